import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import type { JournalEntry, RotationJournal } from "./journal.ts";
import { acquireLockFile } from "./lock-file.ts";

/**
 * The rotation journal as an NDJSON file: one line per phase, written and fsynced before
 * the phase starts, so a run killed at any moment leaves a file that says what was under
 * way. It is the state a later run needs to finish retirements that fall due days later,
 * and it holds no secret (the entries cannot carry one). `<path>.lock` keeps a second run
 * out while one is working.
 *
 * A half-written last line (a crash mid-write) is ignored when read: the phase it would
 * have announced had not started.
 *
 * @example
 * const journal = fileJournal("rotation-2026-12.ndjson");
 * await rotateTokens(client, items, { journal, sink, expiresIn: 90 * DAY, graceMs: 7 * DAY });
 */
export function fileJournal(path: string): RotationJournal {
  let fd: number | undefined;
  return {
    read() {
      if (!existsSync(path)) return Promise.resolve([]);
      const entries: JournalEntry[] = [];
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        try {
          const entry = JSON.parse(line) as JournalEntry;
          if (typeof entry?.key === "string" && typeof entry.phase === "string") {
            entries.push(entry);
          }
        } catch {
          // The torn last line of a killed run.
        }
      }
      return Promise.resolve(entries);
    },
    append(entry) {
      if (fd === undefined) {
        const torn = existsSync(path) && !/(^|\n)$/.test(readFileSync(path, "utf8"));
        fd = openSync(path, "a", 0o600);
        // A torn line from a killed run must not swallow this one: start on a line of our own.
        if (torn) writeSync(fd, "\n");
      }
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
      return Promise.resolve();
    },
    lock() {
      try {
        const release = acquireLockFile(`${path}.lock`);
        return Promise.resolve(() => {
          if (fd !== undefined) closeSync(fd);
          fd = undefined;
          release();
          return Promise.resolve();
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
