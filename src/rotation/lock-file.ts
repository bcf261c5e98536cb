import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import process from "node:process";
import { RotationLockedError } from "./journal.ts";

interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

/**
 * Takes `path` as a lock: created exclusively (O_EXCL), holding the owner's pid and host.
 * Two runs over the same state (a cron job that fires twice) cannot both get it. A lock
 * left by a process that died (kill -9) on this host is taken over; one held by a live
 * process, or by another host, refuses with RotationLockedError naming the owner.
 *
 * @example
 * const release = acquireLockFile("rotation.ndjson.lock");
 * try { ... } finally { release(); }
 */
export function acquireLockFile(path: string): () => void {
  const me: LockOwner = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      if (owner !== undefined && (owner.host !== me.host || isAlive(owner.pid))) {
        throw new RotationLockedError(
          `another rotation (pid ${owner.pid} on ${owner.host}, since ${owner.at}) holds ${path}`,
        );
      }
      // A dead owner's lock (or a half-written one): remove it and try once more.
      rmSync(path, { force: true });
    }
  }
  throw new RotationLockedError(`another rotation took ${path} at the same moment`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as LockOwner;
    return typeof owner.pid === "number" ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as { code?: string }).code === "EPERM";
  }
}
