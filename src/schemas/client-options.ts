import * as v from "valibot";
import type { Middleware } from "../pipeline/context.ts";
import type { RetryInfo } from "../pipeline/retry-options.ts";
import { isLogger, type Logger } from "../logging/logger.ts";
import { type Clock, isClock } from "../clock.ts";

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);

const fn = <T>(message: string) => v.custom<T>((x) => typeof x === "function", message);

const RetrySchema = v.union([
  v.literal(false),
  v.object({
    retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
    minTimeout: v.optional(v.pipe(v.number(), v.minValue(0))),
    maxTimeout: v.optional(v.pipe(v.number(), v.minValue(0))),
    factor: v.optional(v.pipe(v.number(), v.minValue(1))),
    maxRetryAfter: v.optional(v.pipe(v.number(), v.minValue(0))),
    onRetry: v.optional(fn<(info: RetryInfo) => void>("must be a function")),
  }),
], "must be false or an object of retries, minTimeout, maxTimeout, factor, maxRetryAfter, onRetry");

/** Per-call options; shared with createClient where the names overlap. */
export const CallOptionsSchema = v.object({
  signal: v.optional(
    v.custom<AbortSignal>(
      (x) => typeof x === "object" && x !== null && typeof (x as AbortSignal).aborted === "boolean",
      "must be an AbortSignal",
    ),
  ),
  timeout: v.optional(
    v.pipe(v.number("must be a number"), v.minValue(0, "must be at least 0 (0: no timeout)")),
  ),
  deadline: v.optional(
    v.union([v.pipe(v.number(), v.minValue(0)), v.date()], "must be a duration in ms or a Date"),
  ),
  retry: v.optional(RetrySchema),
});

/** createClient's options. `accessToken` and `url` are checked here, before any call. */
export const ClientOptionsSchema = v.pipe(
  v.object({
    accessToken: v.pipe(
      v.string("is required: a Losant API access token"),
      v.minLength(1, "must not be empty"),
      v.regex(/^[^\s]+$/, "must not contain whitespace or line breaks"),
    ),
    url: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.check((u) => URL.canParse(u), "must be an absolute URL"),
        v.check((u) => /^https?:$/.test(new URL(u).protocol), "must use http: or https:"),
      ),
    ),
    allowInsecureHttp: v.optional(v.boolean("must be a boolean")),
    acceptVersion: v.optional(v.pipe(v.string(), v.regex(/^[^\r\n]+$/, "must be one line"))),
    losantdomain: v.optional(v.pipe(v.string(), v.regex(/^[^\r\n]+$/, "must be one line"))),
    userAgent: v.optional(v.union([v.literal(false), v.pipe(v.string(), v.regex(/^[^\r\n]+$/))])),
    timeout: CallOptionsSchema.entries.timeout,
    retry: v.optional(RetrySchema),
    middleware: v.optional(
      v.array(fn<Middleware>("must be a middleware function"), "must be an array"),
    ),
    fetch: v.optional(fn<typeof fetch>("must be a fetch function")),
    logger: v.optional(
      v.custom<Logger>(
        isLogger,
        "must be a logger: an object with debug, info, warn and error functions (pino fits)",
      ),
    ),
    eventCache: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    clock: v.optional(v.custom<Clock>(isClock, "must be a clock: an object with now and setTimer")),
  }),
  // A bearer token over plain http can be read by anyone on the path; loopback is exempt
  // because that is where the embedded server and local proxies live.
  v.forward(
    v.check(
      (o) =>
        o.url === undefined || o.allowInsecureHttp === true ||
        new URL(o.url).protocol === "https:" ||
        isLoopback(new URL(o.url).hostname),
      "must be https: (plain http: is only allowed to a loopback host, or with allowInsecureHttp: true)",
    ),
    ["url"],
  ),
);
