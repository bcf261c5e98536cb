import { type JournalEntry, type RotationJournal, RotationLockedError } from "./journal.ts";

/**
 * A journal held in memory: state for one process, which is enough for a rotation without a
 * grace period and for tests. It survives nothing; use `fileJournal` when a later run must
 * finish what this one started.
 *
 * @example
 * const journal = memoryJournal();
 * await rotateToken(client, { instanceId, apiTokenId }, { journal, sink, expiresIn });
 */
export function memoryJournal(entries: JournalEntry[] = []): RotationJournal & {
  readonly entries: readonly JournalEntry[];
} {
  let locked = false;
  return {
    entries,
    read: () => Promise.resolve(entries.map((e) => structuredClone(e))),
    append(entry) {
      entries.push(structuredClone(entry));
      return Promise.resolve();
    },
    lock() {
      if (locked) {
        return Promise.reject(new RotationLockedError("another rotation holds this journal"));
      }
      locked = true;
      return Promise.resolve(() => {
        locked = false;
        return Promise.resolve();
      });
    },
  };
}
