import type { ApiToken } from "../schemas/api-token.ts";
import type { ApiTokenPatch } from "../schemas/api-token-patch.ts";

/** How one item ended. Exactly one result is produced per item read from the input. */
export type BatchResultStatus = "succeeded" | "failed" | "cancelled" | "skipped";

/**
 * What happened to the token, where that is known:
 *
 * - `deleted`, `patched`: the server confirmed the change.
 * - `alreadyDeleted`: a delete found the token gone after an earlier attempt (this run's or
 *   an earlier run's) whose outcome was unknown, so it was this job's own work.
 * - `unknown`: the request may or may not have taken effect (the connection dropped, it
 *   timed out, or it was aborted in flight). A resumed run retries these.
 * - `notFound`: a dry run's GET found no such token.
 * - `succeededEarlier`: skipped because a resumed run's history says it already succeeded.
 * - `rotated`, `retired` (rotateTokens): the successor is live and its secret delivered; the
 *   old token is in its grace period (`rotated`) or inactive (`retired`); `deleted`: gone.
 */
export type BatchOutcome =
  | "deleted"
  | "alreadyDeleted"
  | "patched"
  | "unknown"
  | "notFound"
  | "succeededEarlier"
  | "rotated"
  | "retired";

/**
 * One item's result, ready to write as a line of NDJSON (`toNdjson`). It never holds the
 * access token or a token's secret: errors are reduced to statusCode, type and message.
 */
export interface BatchResult {
  /** `<instanceId>/<apiTokenId>`, the identity resume matches on. */
  key: string;
  /** The item's 0-based position in the input, to find a bad row. */
  index: number;
  /** How the item ended. */
  status: BatchResultStatus;
  /** The HTTP status of the last answer, when there was one. */
  statusCode?: number;
  /** Losant's error type (`NotFound`, `Unauthorized`, ...) or the batch's own reason. */
  type?: string;
  /** What went wrong, on a failed or cancelled item; scrubbed of the access token and secrets. */
  message?: string;
  /** What happened to the token, where that is known. */
  outcome?: BatchOutcome;
  /** For RetryAfterTooLong: the moment (ISO 8601) the server said to come back. */
  retryAt?: string;
  /** Set on every dry-run result. */
  dryRun?: true;
  /** Dry run: whether the real run would change the token. */
  wouldChange?: boolean;
  /** The token as the server returned it (only with `includeTokens`; never its secret). */
  token?: ApiToken;
}

/**
 * A journal line: the item's first mutating request is about to be sent. Written ahead of
 * the request (see `onStart`), it is what lets `resume` tell an item that was in flight
 * when a run was killed from one that never started.
 */
export interface BatchStarted {
  /** `<instanceId>/<apiTokenId>`, as on the item's result. */
  key: string;
  /** The item's 0-based position in the input. */
  index: number;
  /** Always `"started"`: this line is a journal entry, not a result. */
  status: "started";
  /** patchTokens: the patch being sent, so a resumed run can send it again. */
  apiToken?: ApiTokenPatch;
}

/** A line of a results file: a result, or a journal line. */
export type ResultLine = BatchResult | BatchStarted;

/**
 * One result as a line of NDJSON, newline included.
 *
 * @example
 * const out = fs.createWriteStream("run.ndjson", { flags: "a" });
 * job.results$.subscribe((r) => out.write(toNdjson(r)));
 */
export function toNdjson(result: ResultLine): string {
  return `${JSON.stringify(result)}
`;
}

/** What `readResults` accepts: the text, its lines, or chunks as a file stream yields them. */
export type ResultsSource =
  | string
  | Iterable<string>
  | AsyncIterable<string | Uint8Array>;

/**
 * Parses NDJSON written by an earlier run back into results, for `resume`. It accepts a
 * whole text, an iterable of lines, or any async iterable of text or byte chunks (a Node
 * read stream, `Deno.open(...).readable`, `Bun.file(...).stream()`). A line that does not
 * parse as a result (the half-written last line of a killed run) is skipped.
 *
 * @example
 * const resume = readResults(fs.createReadStream("run.ndjson"));
 * const report = await deleteTokens(client, items, { resume });
 */
export async function* readResults(source: ResultsSource): AsyncGenerator<ResultLine> {
  if (typeof source === "string") {
    for (const line of source.split("\n")) {
      const result = parseLine(line);
      if (result !== undefined) yield result;
    }
    return;
  }
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    rest += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const result = parseLine(line);
      if (result !== undefined) yield result;
    }
    // Sources of lines (readline, an array) carry no newlines: a remainder that is a whole
    // JSON object is a line. A partial line never parses, so chunks still join correctly.
    const whole = rest === "" ? undefined : parseLine(rest);
    if (whole !== undefined) {
      rest = "";
      yield whole;
    }
  }
  rest += decoder.decode();
  const last = parseLine(rest);
  if (last !== undefined) yield last;
}

function parseLine(line: string): ResultLine | undefined {
  const text = line.trim();
  if (text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<BatchResult>;
  if (typeof r.key !== "string" || typeof r.status !== "string") return undefined;
  return r as ResultLine;
}
