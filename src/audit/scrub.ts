import { REDACTED } from "../scrub.ts";

/**
 * A copy of `value` with every secret replaced by `[redacted]` in every string, keys
 * included. A user rule may copy anything of a token into its message, and a misbehaving
 * server may send a token's `token` secret in a listing: neither reaches a finding.
 *
 * @example
 * scrubSecrets({ message: `uses ${secret}` }, [secret]); // { message: "uses [redacted]" }
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const clean = (s: string) =>
    secrets.reduce((text, secret) => text.split(secret).join(REDACTED), s);
  const walk = (x: unknown): unknown => {
    if (typeof x === "string") return clean(x);
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x === "object" && x !== null) {
      return Object.fromEntries(Object.entries(x).map(([k, val]) => [clean(k), walk(val)]));
    }
    return x;
  };
  return walk(value) as T;
}
