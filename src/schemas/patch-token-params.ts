import type * as v from "valibot";
import { ApiTokenPatchSchema } from "./api-token-patch.ts";
import { globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

/** Params of patchToken. */
export const PatchTokenParamsSchema = inputObject(
  { instanceId: IdSchema, apiTokenId: IdSchema, apiToken: ApiTokenPatchSchema, ...globalParams },
  objectMessage("instanceId, apiTokenId, apiToken, losantdomain, _actions, _links, _embedded"),
);
export type PatchTokenParams = v.InferInput<typeof PatchTokenParamsSchema>;
