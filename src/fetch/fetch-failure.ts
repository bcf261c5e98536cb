/**
 * What the Node fetches (nodeFetch, httpFetch) share about failing and empty answers, so
 * both reject and build bodies exactly as the runtime's fetch does.
 */

/** Statuses whose Response must have a null body (the Response constructor throws otherwise). */
export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * The cause a fetch TypeError carries: name, message and code only. A socket error or an
 * undici error may hold a socket or a request's options (headers included); none of that
 * may reach a log.
 */
export function cleanCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const cause = new Error(error.message);
  cause.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") (cause as Error & { code: string }).code = code;
  return cause;
}
