/**
 * losant-tokens: manage Losant instance API tokens from code.
 *
 * @example
 * import { createClient, getToken, patchToken } from "losant-tokens";
 * const client = createClient({ accessToken: process.env.LOSANT_API_TOKEN! });
 * const token = await getToken(client, { instanceId, apiTokenId });
 *
 * @module
 */
export { type Client, type ClientOptions, createClient, use } from "./src/client.ts";
export type { ClientSettings } from "./src/options.ts";
export type { CancelTimer, Clock } from "./src/clock.ts";
export type { Logger } from "./src/logging/logger.ts";
export { withLogging } from "./src/logging/with-logging.ts";
export { getToken } from "./src/actions/get-token.ts";
export { patchToken } from "./src/actions/patch-token.ts";
export { deleteToken } from "./src/actions/delete-token.ts";
export { type CreatedToken, createToken } from "./src/actions/create-token.ts";
export { listTokens } from "./src/actions/list-tokens.ts";
export { listTokensPage } from "./src/actions/list-tokens-page.ts";
export type { CallOptions } from "./src/actions/run-action.ts";
export {
  type ErrorContext,
  LosantApiError,
  LosantError,
  LosantNetworkError,
  LosantOutcomeUnknownError,
  LosantResponseError,
  LosantRetryAfterError,
  LosantTimeoutError,
  LosantValidationError,
  type ValidationIssue,
} from "./src/errors.ts";
export type { Listener, ListenerOptions } from "./src/listeners/registry.ts";
export { onTokenEvent } from "./src/listeners/on-token-event.ts";
export { onRequestEvent } from "./src/listeners/on-request-event.ts";
export type { TokenEvent, TokenEventType } from "./src/listeners/token-event.ts";
export type { RequestEvent, RequestEventType } from "./src/listeners/request-event.ts";
export { REDACTED, withoutSecret } from "./src/scrub.ts";
export { compose } from "./src/pipeline/compose.ts";
export type {
  ActionName,
  ActionSemantics,
  HttpMethod,
  Middleware,
  RequestContext,
  ResponseInfo,
  Terminal,
  TokenEventDeclaration,
} from "./src/types.ts";
export { after, before, onError } from "./src/pipeline/hooks.ts";
export { perCall } from "./src/pipeline/placement.ts";
export type { RetryInfo, RetryOptions } from "./src/pipeline/retry-options.ts";
export { type ApiToken, ApiTokenSchema } from "./src/schemas/api-token.ts";
export { type ApiTokenPatch, ApiTokenPatchSchema } from "./src/schemas/api-token-patch.ts";
export { type ApiTokensPage, ApiTokensPageSchema } from "./src/schemas/api-tokens-page.ts";
export { IdSchema } from "./src/schemas/id.ts";
export type { OrgRole, ResourceRole, Role } from "./src/schemas/roles.ts";
export type { GlobalParams } from "./src/schemas/global-params.ts";
export {
  type ListTokensPageParams,
  ListTokensPageParamsSchema,
  type ListTokensParams,
  ListTokensParamsSchema,
} from "./src/schemas/list-params.ts";
export { type PatchTokenParams, PatchTokenParamsSchema } from "./src/schemas/patch-token-params.ts";
export { type TokenParams, TokenParamsSchema } from "./src/schemas/token-params.ts";
export { type ApiTokenPost, ApiTokenPostSchema } from "./src/schemas/api-token-post.ts";
export {
  type CreateTokenParams,
  CreateTokenParamsSchema,
} from "./src/schemas/create-token-params.ts";
export { type DeleteResult, SuccessSchema } from "./src/schemas/success.ts";
export { VERSION } from "./src/version.ts";
