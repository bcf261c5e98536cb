import type { FakeToken } from "./types.ts";

/**
 * A stored token as the API sends it: `_type` and `_links` added, and the `token` secret
 * only when `withSecret` (the answer to the create that made it, and nowhere else).
 *
 * @example
 * ```ts
 * presentToken(token, instanceId, false).token; // undefined
 * ```
 */
export function presentToken(
  token: FakeToken,
  instanceId: string,
  withSecret: boolean,
): Record<string, unknown> {
  const { token: secret, ...rest } = token;
  return {
    ...rest,
    ...(withSecret ? { token: secret } : {}),
    _type: "apiToken",
    _links: { self: { href: `/instances/${instanceId}/tokens/${token.id}` } },
  };
}
