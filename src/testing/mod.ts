/**
 * losant-tokens/testing: an embedded, Losant-compatible server for tests and demos. It
 * speaks the instance API token routes on loopback, with a seeded store, access tokens and
 * scopes, and injectable faults (statuses, resets, stalls, redirects, throttling), so code
 * that uses the library is tested over real HTTP, not mocks.
 *
 * @example
 * import { startFakeLosant } from "losant-tokens/testing";
 * const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 5 } });
 * const { token } = server.issueAccessToken(["all.Instance"]);
 * const client = createClient({ accessToken: token, url: server.url });
 * await server.close();
 *
 * @module
 */
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
  FaultTarget,
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
  ResourceRole,
  StoreSnapshot,
  TokenChanges,
  TokenRole,
} from "./types.ts";
