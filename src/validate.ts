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
  // An object schema reports a missing key (expected: the key's name) and, when strict,
  // an unknown key (expected: never) with its own message; the path names the key.
  if (OBJECT_TYPES.has(issue.type) && issue.path !== undefined) {
    if (issue.expected === "never") {
      return { path, rule: "unknown_key", message: "is not a known field" };
    }
    if (issue.received === "undefined" && issue.expected?.startsWith('"')) {
      return { path, rule: "required", message: "is required" };
    }
  }
  return { path, rule: issue.type, message: issue.message };
}
