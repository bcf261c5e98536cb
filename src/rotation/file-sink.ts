import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import type { SecretDelivery, SecretSink } from "./sink.ts";

/**
 * The file of one delivery in a secrets directory: named by the old token, so a second
 * delivery for it (a new successor after a crash) replaces the first.
 *
 * @example
 * secretFileName({ instanceId, oldTokenId }); // "5f...-60....token"
 */
export function secretFileName(d: Pick<SecretDelivery, "instanceId" | "oldTokenId">): string {
  return `${d.instanceId.toLowerCase()}-${d.oldTokenId.toLowerCase()}.token`;
}

/**
 * A sink that writes each secret to its own file in `dir` (mode 0600, the secret and a
 * newline): written to a temporary file, fsynced and renamed, so the file is whole or
 * absent and holds the last successor delivered for its old token.
 *
 * @example
 * const sink = fileSink("./secrets");
 * await rotateTokens(client, items, { sink, journal, expiresIn });
 */
export function fileSink(dir: string): SecretSink {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return (delivery) => {
    writeFileAtomic(join(dir, secretFileName(delivery)), `${delivery.secret}\n`);
  };
}
