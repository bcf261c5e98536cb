import { fileSink, ndjsonFileSink, type SecretSink } from "../../batch/mod.ts";
import { UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";

/** Where `rotate` writes successors' secrets: exactly one is required for a real run. */
export interface SecretOutputOptions {
  secretsDir?: string;
  secretsFile?: string;
  secretsStdout?: boolean;
}

/** A description of where the secrets went, for messages (never a secret). */
export function describeSecrets(o: SecretOutputOptions): string {
  if (o.secretsDir !== undefined) return `the files in ${o.secretsDir}`;
  if (o.secretsFile !== undefined) return o.secretsFile;
  return "standard output";
}

/** Checks that exactly one secret output was chosen. */
export function checkSecretOutput(o: SecretOutputOptions): void {
  const chosen = [o.secretsDir, o.secretsFile, o.secretsStdout ? true : undefined].filter((x) =>
    x !== undefined
  );
  if (chosen.length !== 1) {
    throw new UsageError(
      "rotate needs exactly one place for the new secrets: --secrets-dir <dir> (one file per " +
        "token, mode 0600), --secrets-file <path> (one NDJSON file, mode 0600) or --secrets-stdout",
    );
  }
}

/**
 * The sink for the chosen output. Files are written with mode 0600, atomically, keyed by
 * the old token. Standard output gets one NDJSON line per secret; on a terminal only after
 * a question of its own (`--yes` does not answer it: secrets on a screen end up in
 * scrollback and screen shares), and never without a person there to answer.
 *
 * @example
 * const sink = await openSecretSink(options, io, planned.length);
 */
export async function openSecretSink(
  o: SecretOutputOptions,
  io: Io,
  count: number,
  ask: (question: string) => Promise<boolean>,
): Promise<SecretSink> {
  if (o.secretsDir !== undefined) return fileSink(o.secretsDir);
  if (o.secretsFile !== undefined) return ndjsonFileSink(o.secretsFile);
  const terminal = io.stdoutIsTty === true;
  if (terminal) {
    if (!io.interactive) {
      throw new UsageError("refusing to print secrets to a terminal without a person to confirm");
    }
    if (!(await ask(`print ${count} new secret(s) to this terminal?`))) {
      throw new UsageError(
        "not printing secrets to the terminal: use --secrets-dir or --secrets-file",
      );
    }
  }
  return (d) => {
    io.out(
      `${
        JSON.stringify({
          key: d.key,
          instanceId: d.instanceId,
          oldTokenId: d.oldTokenId,
          successorId: d.successorId,
          name: d.name,
          token: d.secret,
        })
      }\n`,
    );
  };
}
