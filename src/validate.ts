import * as v from "valibot";
import { LosantValidationError, type ValidationIssue } from "./errors.ts";

/**
 * Parses input with its schema or throws LosantValidationError naming each field and rule.
 * The messages are ours, never valibot's defaults: those quote the received value, and a
 * caller who pasted a secret into the wrong field must not see it echoed into a log.
 */
export function parseParams<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  action: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new LosantValidationError(result.issues.map(toValidationIssue), { action });
}

const OBJECT_TYPES = new Set(["object", "strict_object", "loose_object"]);

function toValidationIssue(issue: v.BaseIssue<unknown>): ValidationIssue {
  const path = issue.path?.map((item) => String(item.key)).join(".") || "(params)";
  // An object schema reports a missing key and (strict) an unknown key with the object's
  // message; the path already names the key, so say which of the two it is.
  const keyIssue = issue.path !== undefined && OBJECT_TYPES.has(issue.type);
  if (!keyIssue) return { path, rule: issue.type, message: issue.message };
  return issue.input === undefined
    ? { path, rule: "required", message: "is required" }
    : { path, rule: "unknown_key", message: "is not a known field" };
}
