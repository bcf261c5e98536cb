import { closeSync, openSync, writeSync } from "node:fs";
import { printable } from "../../output.ts";
import { recordLine, type RunRecord } from "./run-record.ts";

/** A results file being written. */
export interface ResultsFile {
  /** Writes a line; after a failure it writes nothing and returns false. */
  write(line: string): boolean;
  close(): void;
}

function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? (error as Error)?.message ?? "unwritable";
}

/**
 * Opens `path` for appending and writes the run's record first. Every line is written
 * synchronously as it happens, so a crash or `kill -9` loses at most the line being
 * written. A file that cannot be opened, or whose record cannot be written (`/dev/full`),
 * throws before anything is sent; a later failure (a disk filling up) calls `onFailure` once
 * with a one-line message, and the caller stops the job as Ctrl-C does.
 *
 * @example
 * const file = openResultsFile("run.ndjson", record, (msg) => stops.stop("results-file", msg));
 */
export function openResultsFile(
  path: string,
  record: RunRecord,
  onFailure: (message: string) => void,
): ResultsFile {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (error) {
    throw new Error(`cannot open --results-file ${printable(path)} (${codeOf(error)})`);
  }
  try {
    writeSync(fd, recordLine(record));
  } catch (error) {
    closeSync(fd);
    throw new Error(
      `cannot write --results-file ${printable(path)} (${codeOf(error)}): nothing was sent`,
    );
  }
  let failed = false;
  return {
    write(line) {
      if (failed) return false;
      try {
        writeSync(fd, line);
        return true;
      } catch (error) {
        failed = true;
        onFailure(
          `cannot write --results-file ${printable(path)} (${codeOf(error)}): ` +
            "stopping; calls in flight settle, nothing new is sent",
        );
        return false;
      }
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // Closing cannot lose a line: each was written synchronously.
      }
    },
  };
}
