import type { ApiToken } from "../schemas/api-token.ts";

/** What replaces a token's `token` secret in events unless the listener opts in. */
export const REDACTED = "[redacted]";

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
