import process from "node:process";
import { createInterface } from "node:readline/promises";
import { UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/**
 * Asks before a destructive change. `--yes` skips the question; without a person at the
 * terminal and without `--yes` the command refuses (exit 2), as `gh` does, because a
 * script that pipes into the CLI must say explicitly that it means it.
 *
 * @example
 * if (!(await confirm("Delete 12 tokens?", { yes: options.yes }, io))) return EXIT.failed;
 */
export async function confirm(
  question: string,
  options: { yes?: boolean },
  io: Io,
): Promise<boolean> {
  if (options.yes) return true;
  if (!io.interactive) {
    throw new UsageError("refusing to change tokens without confirmation: pass --yes to proceed");
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    io.err(`${question} [y/N] `);
    const answer = await new Promise<string>((resolve) => {
      rl.once("line", resolve);
      rl.once("close", () => resolve(""));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
