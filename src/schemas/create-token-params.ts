import type * as v from "valibot";
import { inputObject } from "./input.ts";
import type { Same, Tie } from "./tie.ts";
import { type ApiTokenPost, ApiTokenPostSchema } from "./api-token-post.ts";
import { type GlobalParams, globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";

/** Params of createToken. */
const createTokenParamsSchema = inputObject(
  { instanceId: IdSchema, apiToken: ApiTokenPostSchema, ...globalParams },
  objectMessage("instanceId, apiToken, losantdomain, _actions, _links, _embedded"),
);
/** Params of createToken. */
export interface CreateTokenParams extends GlobalParams {
  /** The instance, 24 hex digits. */
  instanceId: string;
  /** The new token's fields. */
  apiToken: ApiTokenPost;
}

/** Params of createToken, checked. */
export const CreateTokenParamsSchema: v.GenericSchema<CreateTokenParams> = createTokenParamsSchema;

/** Fails to compile when CreateTokenParamsSchema and CreateTokenParams disagree. */
export type CreateTokenParamsTie = Tie<
  Same<v.InferInput<typeof createTokenParamsSchema>, CreateTokenParams>
>;
