import * as v from "valibot";
import { LosantValidationError, type ValidationIssue } from "./errors.ts";
import { suggestKey } from "./validation/suggest-key.ts";
import { OBJECT_KEYS } from "./schemas/input.ts";

/**
 * Parses input with its schema or throws LosantValidationError naming each field and rule.
 * The messages are ours, never valibot's defaults: those quote the received value, and a
 * caller who pasted a secret into the wrong field must not see it echoed into a log. Input
 * that cannot even be read (a getter or a Proxy trap that throws) is a validation error too,
 * and what it threw is dropped: its message may hold anything.
 *
 * An input that is `false` or an object (`retry`, the test server's `seed`) is a `v.lazy` that
 * picks its schema by the value, never a `v.union`: a union that fails reports only its own
 * message, so an unknown key or a bad field inside the object would lose its path.
 *
 * @example
 * const params = parseParams(TokenParamsSchema, raw, "getToken");
 * const options = parseParams(CallOptionsSchema, rawOptions, "getToken", "options");
 */
export function parseParams<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  action: string,
  subject: "params" | "options" = "params",
): v.InferOutput<S> {
  let result: v.SafeParseResult<S>;
  try {
    result = v.safeParse(schema, input, PARSE_CONFIG);
  } catch {
    throw new LosantValidationError([UNREADABLE], { action }, subject);
  }
  if (result.success) return result.output;
  const issues = result.issues.map(toValidationIssue);
  throw new LosantValidationError(issues, { action }, subject);
}

// One config for every parse: made once, not per call.
const PARSE_CONFIG = { abortPipeEarly: true } as const;

const UNREADABLE: ValidationIssue = {
  path: "(input)",
  rule: "readable",
  message: "could not be read: a getter or Proxy trap threw while it was checked",
};

function toValidationIssue(issue: v.BaseIssue<unknown>): ValidationIssue {
  const keys = issue.path?.map((item) => item.key) ?? [];
  const path = keys.length === 0 ? "(input)" : keys.map(showKey).join(".");
  // An object schema reports a missing key (expected: the key's name) and, when strict,
  // an unknown key (expected: never) with its own message; the path names the key. Its
  // type is object, strict_object or loose_object: no other valibot type ends so.
  if (issue.type.endsWith("object") && keys.length > 0) {
    if (issue.expected === "never") {
      const key = keys[keys.length - 1];
      const known = OBJECT_KEYS.get(issue.message);
      const close = typeof key === "string" && known ? suggestKey(key, known) : undefined;
      const hint = close === undefined ? "" : ` (did you mean ${close}?)`;
      return { path, rule: "unknown_key", message: `is not a known field${hint}` };
    }
    if (issue.received === "undefined" && issue.expected?.startsWith('"')) {
      return { path, rule: "required", message: "is required" };
    }
  }
  // inputObject's plain-object check is part of the object rule: an array or a Date is
  // not an object of these fields.
  const rule = issue.type === "custom" && OBJECT_KEYS.has(issue.message)
    ? "strict_object"
    : issue.type;
  return { path, rule, message: safeMessage(issue) };
}

/**
 * A key as the message shows it. Unknown keys come from the caller, so only a short
 * identifier-like one is shown: a secret pasted in as a key stays out of the message.
 */
function showKey(key: unknown): string {
  if (typeof key === "number") return String(key);
  if (typeof key === "string" && /^[A-Za-z_$][\w$-]{0,39}$/.test(key)) return key;
  return typeof key === "string" ? `(a key of ${key.length} characters)` : "(a key)";
}

/**
 * Our schemas give every rule a message of their own ("must be ..."). A rule without one
 * gets valibot's default, "Invalid type: Expected X but received <the value>", which quotes
 * the input: it is rebuilt from what the schema expects, which never comes from the input.
 */
function safeMessage(issue: v.BaseIssue<unknown>): string {
  if (!issue.message.startsWith("Invalid ")) return issue.message;
  if (issue.kind === "schema" && issue.expected !== null && issue.expected !== "unknown") {
    return `must be ${issue.expected === "Object" ? "a plain object" : issue.expected}`;
  }
  return issue.expected === null
    ? `fails the ${issue.type} rule`
    : `fails the ${issue.type} rule (expected ${issue.expected})`;
}
