import type { ApiToken } from "./schemas/api-token.ts";

/**
 * Secrets out of everything the library hands on, in one place. Two kinds:
 *
 * - A token's `token` field (the secret JWT the API sends once, on create) is replaced by
 *   {@link REDACTED} in events ({@link redactToken}) or dropped from results and output
 *   ({@link withoutSecret}).
 * - Text the server sent (an error's message) is untrusted: a server may echo the
 *   Authorization header or a secret into it. {@link Scrubber.scrub} replaces the client's
 *   access token, every `token` secret the client has seen, and anything shaped like a JWT,
 *   before the text reaches an error, and so a log record, an event, a result or a report.
 */

/** What replaces a secret: in events' tokens, and in server text. */
export const REDACTED = "[redacted]";

// Losant's access tokens and token secrets are JWTs: three base64url parts, the first
// starting with `eyJ` (`{"`). Server text has no business holding one, known or not.
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;

/** Removes secrets from server text; one per client family, made with the client. */
export interface Scrubber {
  /** `text` with the access token, each remembered secret and any JWT replaced. */
  scrub(text: string): string;
  /** Remembers the `token` secrets of a response body (a token, or a page of them). */
  rememberSecretsOf(body: unknown): void;
}

/**
 * A scrubber that knows the access token; it lives in this closure only, never on a
 * property anything could print.
 *
 * @example
 * const scrubber = createScrubber(accessToken);
 * scrubber.scrub(`bad header: Bearer ${accessToken}`); // "bad header: Bearer [redacted]"
 */
export function createScrubber(accessToken: string): Scrubber {
  const secrets = new Set<string>([accessToken]);
  const remember = (token: unknown): void => {
    if (typeof token === "string" && token.length >= 8) secrets.add(token);
  };
  return {
    scrub(text) {
      let out = text;
      // A string is matched literally, and REDACTED holds no `$` replacement pattern.
      for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
      return out.replace(JWT, REDACTED);
    },
    rememberSecretsOf(body) {
      if (typeof body !== "object" || body === null) return;
      const b = body as { token?: unknown; items?: unknown };
      remember(b.token);
      if (Array.isArray(b.items)) {
        for (const item of b.items) remember((item as { token?: unknown } | null)?.token);
      }
    },
  };
}

/**
 * The token with its `token` secret replaced by {@link REDACTED}; the same object when it
 * holds none, which is every token but a freshly created one, so the usual case allocates
 * nothing.
 *
 * @example
 * redactToken({ id, token: "eyJ..." }); // { id, token: "[redacted]" }
 */
export function redactToken<T extends ApiToken | undefined>(token: T): T {
  if (token === undefined || token.token === undefined) return token;
  return Object.freeze({ ...token, token: REDACTED }) as T;
}

/**
 * An event whose `token` and `previous` carry no secret; the same event when neither had one.
 *
 * @example
 * listener(secrets ? event : redactEvent(event));
 */
export function redactEvent<E extends { token?: ApiToken; previous?: ApiToken }>(event: E): E {
  const token = redactToken(event.token);
  const previous = redactToken(event.previous);
  if (token === event.token && previous === event.previous) return event;
  const copy = { ...event };
  if (token !== undefined) copy.token = token;
  if (previous !== undefined) copy.previous = previous;
  return Object.freeze(copy);
}

/**
 * The token without its `token` field, for results and output that never carry a secret
 * (the same object when it has none; `token` is optional in its type, so T stays honest).
 *
 * @example
 * withoutSecret({ id, name: "ci", token: "eyJ..." }); // { id, name: "ci" }
 */
export function withoutSecret<T extends { token?: unknown }>(token: T): T {
  if (token.token === undefined) return token;
  const { token: _secret, ...rest } = token;
  return rest as T;
}
