export { startFakeLosant } from "./server.ts";
export type {
  FakeLosant,
  IssueAccessTokenOptions,
  IssuedAccessToken,
  ServerClock,
  StartFakeLosantOptions,
} from "./server.ts";
export { createStore } from "./store.ts";
export type { FakeStore } from "./store.ts";
export { seedStore } from "./seed.ts";
export type { SeedOptions } from "./seed.ts";
export { ACTION_SCOPES, scopeAllows } from "./auth.ts";
export type { RouteKind } from "./auth.ts";
export { throttleBody } from "./faults.ts";
export type {
  EchoFault,
  FaultAction,
  FaultHandle,
  Faults,
  FaultSpec,
  LatencyFault,
  RateLimitHandle,
  RateLimitOptions,
  RedirectFault,
  ResetFault,
  RetryHint,
  StallFault,
  StatusFault,
  TrickleFault,
} from "./fault-types.ts";
export type { Limit } from "./rate-limit.ts";
export { fixedWindowLimiter, gcraLimiter } from "./rate-limit.ts";
export type { Limiter } from "./rate-limit.ts";
export type { LogCondition, RequestLogEntry, WaitForOptions } from "./request-log.ts";
export { satisfies } from "./versions.ts";
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
