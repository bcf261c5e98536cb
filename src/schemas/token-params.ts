import type * as v from "valibot";
import type { Same, Tie } from "./tie.ts";
import { type GlobalParams, globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

/** Params of getToken and deleteToken: exactly the official client's. */
const tokenParamsSchema = inputObject(
  { instanceId: IdSchema, apiTokenId: IdSchema, ...globalParams },
  objectMessage("instanceId, apiTokenId, losantdomain, _actions, _links, _embedded"),
);
/** Params of getToken and deleteToken. */
export interface TokenParams extends GlobalParams {
  /** The instance, 24 hex digits. */
  instanceId: string;
  /** The token, 24 hex digits. */
  apiTokenId: string;
}

/** Params of getToken and deleteToken, checked. */
export const TokenParamsSchema: v.GenericSchema<TokenParams> = tokenParamsSchema;

/** Fails to compile when TokenParamsSchema and TokenParams disagree. */
export type TokenParamsTie = Tie<Same<v.InferInput<typeof tokenParamsSchema>, TokenParams>>;
