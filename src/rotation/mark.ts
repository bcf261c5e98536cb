/**
 * The mark that makes a create reconcilable. The API has no idempotency keys and a create
 * can be marked only through its name or description, so each create attempt puts a fresh
 * random nonce in the successor's description (journaled before the POST). After an
 * ambiguous failure, the token carrying that nonce is the one this attempt made, and no
 * other: not a token someone else created under the same name, not the successor of a
 * second rotation of a same-named token running at the same time (its nonce differs). The
 * mark comes off once the secret is delivered.
 *
 * Journaling the ids that already carry the name before the create would not hold there:
 * two rotations of same-named tokens each see the other's successor appear.
 */
const PREFIX = "[losant-tokens rotation ";
const MARK = /\n*\[losant-tokens rotation [0-9a-f]{16}\]$/;

/** A fresh nonce: 16 hex digits from the Web Crypto random source. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The text the mark appends to a description. */
export function markText(nonce: string): string {
  return `${PREFIX}${nonce}]`;
}

/**
 * The description with the mark appended.
 *
 * @example
 * markDescription("CI reader", "0123456789abcdef"); // "CI reader\n\n[losant-tokens rotation 0123456789abcdef]"
 */
export function markDescription(description: string | undefined, nonce: string): string {
  return description ? `${description}\n\n${markText(nonce)}` : markText(nonce);
}

/** Whether `description` carries the mark of `nonce`. */
export function hasMark(description: string | undefined, nonce: string): boolean {
  return description?.endsWith(markText(nonce)) === true;
}

/** The description without any rotation mark. */
export function unmarkDescription(description: string | undefined): string {
  return (description ?? "").replace(MARK, "");
}

/** Room the mark takes in a description (the API allows 32,767 characters). */
export const MARK_LENGTH = 2 + PREFIX.length + 16 + 1;
