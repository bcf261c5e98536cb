import * as v from "valibot";
import { ApiTokenPostSchema } from "./api-token-post.ts";
import { globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";

/** Params of createToken. */
export const CreateTokenParamsSchema = v.strictObject(
  { instanceId: IdSchema, apiToken: ApiTokenPostSchema, ...globalParams },
  objectMessage("instanceId, apiToken, losantdomain, _actions, _links, _embedded"),
);
export type CreateTokenParams = v.InferInput<typeof CreateTokenParamsSchema>;
