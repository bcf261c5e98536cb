import type * as v from "valibot";
import { globalParams, objectMessage } from "./global-params.ts";
import { IdSchema } from "./id.ts";
import { inputObject } from "./input.ts";

/** Params of getToken and deleteToken: exactly the official client's. */
export const TokenParamsSchema = inputObject(
  { instanceId: IdSchema, apiTokenId: IdSchema, ...globalParams },
  objectMessage("instanceId, apiTokenId, losantdomain, _actions, _links, _embedded"),
);
export type TokenParams = v.InferInput<typeof TokenParamsSchema>;
