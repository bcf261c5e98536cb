import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic-write.ts";
import type { SecretDelivery, SecretSink } from "./sink.ts";

/** One line of an NDJSON secrets file. */
export interface SecretLine {
  /** `<instanceId>/<oldTokenId>`, lower case: at most one line per key. */
  key: string;
  /** The instance of both tokens. */
  instanceId: string;
  /** The token the successor replaces. */
  oldTokenId: string;
  /** The new token. */
  successorId: string;
  /** The successor's name. */
  name: string;
  /** When the successor expires (ISO 8601), when it does. */
  expirationDate?: string;
  /** The successor's secret JWT. */
  token: string;
}

/**
 * A sink that keeps every secret in one NDJSON file (mode 0600), one line per old token.
 * Each delivery rewrites the file atomically with that token's line replaced, so the file
 * is always whole and never holds two successors for one old token. Deliveries are
 * serialised: two at once cannot lose each other's line.
 *
 * @example
 * const sink = ndjsonFileSink("rotated-secrets.ndjson");
 */
export function ndjsonFileSink(path: string): SecretSink {
  let queue: Promise<void> = Promise.resolve();
  return (delivery) => {
    const next = queue.then(() => write(path, delivery));
    queue = next.catch(() => {});
    return next;
  };
}

function write(path: string, d: SecretDelivery): void {
  const lines = readSecretsFile(path).filter((line) => line.key !== d.key);
  const line: SecretLine = {
    key: d.key,
    instanceId: d.instanceId,
    oldTokenId: d.oldTokenId,
    successorId: d.successorId,
    name: d.name,
    ...(d.expirationDate !== undefined ? { expirationDate: d.expirationDate } : {}),
    token: d.secret,
  };
  lines.push(line);
  writeFileAtomic(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
}

/**
 * The lines of an NDJSON secrets file (none when it does not exist).
 *
 * @example
 * const byKey = new Map(readSecretsFile("rotated-secrets.ndjson").map((l) => [l.key, l]));
 */
export function readSecretsFile(path: string): SecretLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) =>
    JSON.parse(l) as SecretLine
  );
}
