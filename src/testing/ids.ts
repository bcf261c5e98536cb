import { ID_PATTERN } from "../schemas/id.ts";
import type { Random } from "./random.ts";

/** The id pattern Losant uses for every resource (a MongoDB ObjectId). */
export const OBJECT_ID_PATTERN: RegExp = ID_PATTERN;

/**
 * A 24-hex-digit id. Deterministic when given a seeded `random`.
 *
 * @example
 * ```ts
 * objectId(Math.random); // '5f0c2a…' (24 hex digits)
 * ```
 */
export function objectId(random: Random = Math.random): string {
  // Three 32-bit draws; joined once so the id is a flat string, not a rope.
  return [0, 0, 0].map(() => Math.floor(random() * 4294967296).toString(16).padStart(8, "0")).join(
    "",
  );
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Hand-rolled because seeding 10k tokens must stay well under a second and btoa over
// binary strings dominated that time.
function base64url(bytes: ArrayLike<number>): string {
  // Char codes first, one string at the end: appending char by char builds V8 cons-string
  // ropes that survive with the token and made seeding GC-bound.
  const codes = new Array<number>(Math.ceil((bytes.length * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[o++] = B64URL.charCodeAt(n >> 18);
    codes[o++] = B64URL.charCodeAt((n >> 12) & 63);
    codes[o++] = B64URL.charCodeAt((n >> 6) & 63);
    codes[o++] = B64URL.charCodeAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    codes[o++] = B64URL.charCodeAt(n >> 18);
    codes[o++] = B64URL.charCodeAt((n >> 12) & 63);
    if (rest === 2) codes[o++] = B64URL.charCodeAt((n >> 6) & 63);
  }
  codes.length = o;
  return String.fromCharCode(...codes);
}

function base64urlText(text: string): string {
  return base64url(new TextEncoder().encode(text));
}

const JWT_HEADER = base64urlText(JSON.stringify({ alg: "HS256", typ: "JWT" }));

// One CSPRNG call per 128 secrets instead of one per secret.
const POOL_SIZE = 32 * 128;
let pool = new Uint8Array(0);
let poolOffset = POOL_SIZE;

function randomBytes32(): Uint8Array {
  if (poolOffset + 32 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 32);
  poolOffset += 32;
  return bytes;
}

/**
 * A JWT-shaped secret like the `token` Losant returns on create. The signature part
 * comes from the platform CSPRNG, never from the seed, so a seed cannot predict secrets.
 *
 * @example
 * ```ts
 * tokenSecret('5f0c2a5f0c2a5f0c2a5f0c2a').startsWith('eyJ'); // true
 * ```
 */
export function tokenSecret(tokenId: string, issuedAt: number = Date.now()): string {
  const payload = base64urlText(
    JSON.stringify({
      sub: tokenId,
      scope: "apiToken",
      iss: "api.losant.com",
      iat: Math.floor(issuedAt / 1000),
    }),
  );
  const signature = base64url(randomBytes32());
  return `${JWT_HEADER}.${payload}.${signature}`;
}
