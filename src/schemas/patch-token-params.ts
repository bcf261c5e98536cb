import type * as v from "valibot";
import type { Same, Tie } from "./tie.ts";
import type { TokenParams } from "./token-params.ts";
import { type ApiTokenPatch, ApiTokenPatchSchema } from "./api-token-patch.ts";
import { globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

/** Params of patchToken. */
const patchTokenParamsSchema = inputObject(
  { instanceId: IdSchema, apiTokenId: IdSchema, apiToken: ApiTokenPatchSchema, ...globalParams },
  objectMessage("instanceId, apiTokenId, apiToken, losantdomain, _actions, _links, _embedded"),
);
/** Params of patchToken. */
export interface PatchTokenParams extends TokenParams {
  /** What to change. */
  apiToken: ApiTokenPatch;
}

/** Params of patchToken, checked. */
export const PatchTokenParamsSchema: v.GenericSchema<PatchTokenParams> = patchTokenParamsSchema;

/** Fails to compile when PatchTokenParamsSchema and PatchTokenParams disagree. */
export type PatchTokenParamsTie = Tie<
  Same<v.InferInput<typeof patchTokenParamsSchema>, PatchTokenParams>
>;
