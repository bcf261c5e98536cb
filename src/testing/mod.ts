export { startFakeLosant } from "./server.ts";
export type {
  FakeLosant,
  IssueAccessTokenOptions,
  IssuedAccessToken,
  StartFakeLosantOptions,
} from "./server.ts";
export { createStore } from "./store.ts";
export type { FakeStore } from "./store.ts";
export { seedStore } from "./seed.ts";
export type { SeedOptions } from "./seed.ts";
export { ACTION_SCOPES, scopeAllows } from "./auth.ts";
export type { RouteKind } from "./auth.ts";
export type {
  FaultAction,
  FaultHandle,
  Faults,
  FaultSpec,
  LatencyFault,
  RateLimitOptions,
  ResetFault,
  StallFault,
  StatusFault,
} from "./faults.ts";
export type { RequestLogEntry } from "./request-log.ts";
export { globToRegExp } from "./glob.ts";
export type {
  FakeInstance,
  FakeToken,
  NewToken,
  OrgRole,
  StoreSnapshot,
  TokenChanges,
  TokenRole,
} from "./types.ts";
