/**
 * How large a response body may be, decoded, before a fetch of ours or the transport stops
 * reading it. A Losant answer is a few MB at most (a page of 1,000 tokens); a body past this
 * is a broken or hostile server, or a compression bomb (a few KB of gzip that inflate to GBs),
 * which would otherwise fill the process's memory well within a per-attempt timeout.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The `code` of a fetch rejection's cause when the body passed the limit. */
export const BODY_TOO_LARGE = "ERR_BODY_TOO_LARGE";

/**
 * The rejection of a fetch of ours (httpFetch, nodeFetch) whose response body passed `limit`
 * bytes: a TypeError, as fetch rejects, whose cause carries the code and the status, so the
 * transport reports the answer it could not read rather than a network failure.
 */
export function bodyTooLarge(status: number, limit: number): TypeError {
  const cause = Object.assign(new Error(`the response body is over ${limit} bytes`), {
    code: BODY_TOO_LARGE,
    status,
  });
  return new TypeError("fetch failed", { cause });
}

/**
 * Reads a body stream whole, or, once it passes `limit` bytes, cancels the rest and rejects
 * with what `tooLarge` makes.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array>,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
