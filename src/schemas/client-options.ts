import * as v from "valibot";
import type { Middleware } from "../types.ts";
import type { RetryInfo, RetryOptions } from "../pipeline/retry-options.ts";
import { type Clock, isClock } from "../clock.ts";
import type { CallOptions, ClientOptions } from "../options.ts";
import { LosantValidationError, type ValidationIssue } from "../errors.ts";
import { parseParams } from "../validate.ts";
import { HEADER_TEXT_MESSAGE, headerValue, inputObject } from "./input.ts";
import { falseOnly, rule, typed } from "./rule.ts";

/**
 * The schemas of createClient's options, of one call's options and of retry options.
 * Strict: an unknown key is an error that names it ("did you mean url?"). The interfaces
 * they check are documented in `options.ts` and `pipeline/retry-options.ts`; the `Same`
 * checks at the bottom fail to compile when a schema and its interface drift apart.
 *
 * `false | {...}` is a `v.lazy` that picks the schema by the value rather than a `v.union`
 * that tries both: the issues are the picked schema's own, with their paths, and the bundle
 * carries no union machinery (every app that makes a client ships these schemas).
 */

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);

const fn = <T>(message: string) => v.custom<T>((x) => typeof x === "function", message);

const nonNegative = v.pipe(
  typed("number", "must be a number"),
  rule("min_value", (n: number) => n >= 0, "must be at least 0"),
);

const retryOptions = inputObject(
  {
    retries: v.optional(
      v.pipe(
        typed("number", "must be a number"),
        rule<number>("integer", Number.isInteger, "must be an integer"),
        rule("min_value", (n: number) => n >= 0, "must be at least 0"),
        rule("max_value", (n: number) => n <= 100, "must be at most 100"),
      ),
    ),
    minTimeout: v.optional(nonNegative),
    maxTimeout: v.optional(nonNegative),
    factor: v.optional(
      v.pipe(
        typed("number", "must be a number"),
        rule("min_value", (n: number) => n >= 1, "must be at least 1"),
      ),
    ),
    maxRetryAfter: v.optional(nonNegative),
    onRetry: v.optional(fn<(info: RetryInfo) => void>("must be a function")),
  },
  "must be false or an object of only retries, minTimeout, maxTimeout, factor, maxRetryAfter, onRetry",
);

/** RetryOptions, checked. */
export const RetryOptionsSchema: v.GenericSchema<RetryOptions> = retryOptions;

const FALSE = falseOnly("must be false");

const retry = v.optional(v.lazy((x) => x === false ? FALSE : RetryOptionsSchema));

const timeout = v.optional(
  v.pipe(
    typed("number", "must be a number"),
    rule("min_value", (n: number) => n >= 0, "must be at least 0 (0: no timeout)"),
  ),
);

// A look-alike `{ aborted: false }` would pass a duck-typed check and then break inside
// fetch with a TypeError; only the real thing is accepted.
const isAbortSignal = (x: unknown): x is AbortSignal =>
  typeof AbortSignal === "function" && x instanceof AbortSignal;

/**
 * The fields of CallOptions, for the options of batch jobs and watchTokens that take the
 * same ones: one rule for a signal, a timeout, a deadline and retry settings everywhere.
 */
export const callOptionEntries = {
  signal: v.optional(v.custom<AbortSignal>(isAbortSignal, "must be an AbortSignal")),
  timeout,
  deadline: v.optional(
    v.custom<number | Date>(
      (d) => d instanceof Date ? !Number.isNaN(d.getTime()) : typeof d === "number" && d >= 0,
      "must be a duration in ms or a valid Date",
    ),
  ),
  retry,
};

const callOptions = inputObject(
  callOptionEntries,
  "must be an object of only signal, timeout, deadline, retry",
);

/** CallOptions, checked. */
export const CallOptionsSchema: v.GenericSchema<CallOptions> = callOptions;

/** Where the URL's parts are checked: each rule names what is wrong with it. */
const url = v.pipe(
  typed("string", "must be a string"),
  rule("check", (u: string) => URL.canParse(u), "must be an absolute URL"),
  rule("check", (u: string) => /^https?:$/.test(new URL(u).protocol), "must use http: or https:"),
  // Paths are appended to the base URL: a query or fragment would swallow them. fetch
  // refuses a URL with credentials (a TypeError that would be retried).
  rule(
    "check",
    (u: string) => !/[?#]/.test(u) && !new URL(u).username && !new URL(u).password,
    "must not have a ?query, #fragment or user:password@",
  ),
);

const USER_AGENT = headerValue(1024);
const NO_USER_AGENT = falseOnly("must be false or a header-safe string");

const clientOptions = inputObject(
  {
    accessToken: v.pipe(
      typed("string", "is required: a Losant API access token (a string)"),
      // No whitespace either: a token is one word.
      rule(
        "regex",
        (s: string) => /^[\x21-\x7e\xa1-\xff]+$/.test(s),
        `must not be empty; ${HEADER_TEXT_MESSAGE}, no spaces`,
      ),
    ),
    url: v.optional(url),
    allowInsecureHttp: v.optional(typed("boolean", "must be a boolean")),
    acceptVersion: v.optional(headerValue(255)),
    losantdomain: v.optional(headerValue(255)),
    userAgent: v.optional(
      v.lazy((x) => typeof x === "string" ? USER_AGENT : NO_USER_AGENT),
    ),
    timeout,
    retry,
    middleware: v.optional(
      v.array(fn<Middleware>("must be a middleware function"), "must be an array"),
    ),
    fetch: v.optional(fn<typeof fetch>("must be a fetch function")),
    // Moved out in 0.2.0: a way forward beats "is not a known field".
    logger: v.optional(
      v.custom<never>(() => false, "moved: use withLogging(createClient(options), logger)"),
    ),
    eventCache: v.optional(
      v.pipe(
        typed("number", "must be a number"),
        rule<number>("integer", Number.isInteger, "must be an integer"),
        rule("min_value", (n: number) => n >= 0, "must be at least 0"),
      ),
    ),
    clock: v.optional(
      v.custom<Clock>(isClock, "must be a clock: an object with now and setTimer"),
    ),
  },
  "must be an object of client options (accessToken, url, ...)",
);

/**
 * createClient's options, checked field by field; {@link parseClientOptions} adds the rule
 * between two fields (`url` must be https: unless `allowInsecureHttp`).
 */
export const ClientOptionsSchema: v.GenericSchema<ClientOptions> = clientOptions;

const INSECURE_URL: readonly ValidationIssue[] = [{
  path: "url",
  rule: "check",
  message:
    "must be https: (plain http: is only allowed to a loopback host, or with allowInsecureHttp: true)",
}];

/**
 * createClient's options, checked before any call, or a LosantValidationError. A bearer token
 * over plain http can be read by anyone on the path; loopback is exempt because that is where
 * the embedded server and local proxies live. The rule runs once every field has passed (as a
 * `v.forward` in the schema's pipe would, for 0.2 KB gzipped less).
 *
 * @example
 * const checked = parseClientOptions({ accessToken, url: "https://api.losant.com" });
 */
export function parseClientOptions(options: unknown): ClientOptions {
  const checked = parseParams(ClientOptionsSchema, options, "createClient", "options");
  const url = checked.url === undefined ? undefined : new URL(checked.url);
  if (
    url !== undefined && url.protocol !== "https:" && checked.allowInsecureHttp !== true &&
    !isLoopback(url.hostname)
  ) throw new LosantValidationError(INSECURE_URL, { action: "createClient" }, "options");
  return checked;
}

// Compile-time ties: each schema accepts exactly its interface. The annotations above only
// check one way (what the schema produces fits the interface); these check both.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Tie<T extends true> = T;
/** Fails to compile when RetryOptionsSchema and RetryOptions disagree. */
export type RetryOptionsTie = Tie<Same<v.InferInput<typeof retryOptions>, RetryOptions>>;
/** Fails to compile when CallOptionsSchema and CallOptions disagree. */
export type CallOptionsTie = Tie<Same<v.InferInput<typeof callOptions>, CallOptions>>;
/** Fails to compile when ClientOptionsSchema and ClientOptions disagree. */
export type ClientOptionsTie = Tie<Same<v.InferInput<typeof clientOptions>, ClientOptions>>;
