/**
 * The job's own access token goes last: revoking it first would fail every call after it.
 * This is the one definition of that rule; the engine defers such items until everything
 * else is done, and the CLI orders its plan with {@link ownTokenLast}.
 */

/** Whether `apiTokenId` is the job's own token (ids compare case-insensitively). */
export function isOwnToken(apiTokenId: string, selfTokenId: string | undefined): boolean {
  return selfTokenId !== undefined && apiTokenId.toLowerCase() === selfTokenId.toLowerCase();
}

/**
 * `items` with those for the job's own token moved to the end, order otherwise kept.
 *
 * @example
 * ownTokenLast(planned, session.selfTokenId, (s) => s.token.id);
 */
export function ownTokenLast<T>(
  items: readonly T[],
  selfTokenId: string | undefined,
  idOf: (item: T) => string,
): T[] {
  if (selfTokenId === undefined) return [...items];
  return [
    ...items.filter((item) => !isOwnToken(idOf(item), selfTokenId)),
    ...items.filter((item) => isOwnToken(idOf(item), selfTokenId)),
  ];
}
