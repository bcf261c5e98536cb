import { UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";

/** What `confirm` needs to know besides the question. */
export interface ConfirmOptions {
  /** `--yes`: do not ask. */
  yes?: boolean;
  /**
   * stdin carried something else, so no answer can come from it: `true` for the access
   * token (`--token-file -`), or what it carried (`"the findings (--from-findings -)"`).
   */
  stdinUsed?: boolean | string;
}

/**
 * Asks before a destructive change. `--yes` skips the question; without a person at the
 * terminal and without `--yes` the command refuses (exit 2), as `gh` does, because a
 * script that pipes into the CLI must say explicitly that it means it. When stdin carried
 * something else (the access token, an audit's findings) the answer is read from the
 * terminal itself (`/dev/tty`, as `ssh` and `sudo` ask); without one, `--yes` is required.
 *
 * @example
 * if (!(await confirm("Delete 12 tokens?", { yes: options.yes }, io))) return EXIT.declined;
 */
export async function confirm(
  question: string,
  options: ConfirmOptions,
  io: Io,
): Promise<boolean> {
  if (options.yes) return true;
  if (options.stdinUsed) {
    io.err(`${question} [y/N] `);
    const answer = await io.readTerminalLine();
    if (answer === undefined) {
      const what = options.stdinUsed === true
        ? "the access token (--token-file -)"
        : options.stdinUsed;
      throw new UsageError(
        `stdin carried ${what} and there is no terminal to answer ` +
          "the confirmation: pass --yes to proceed",
      );
    }
    return /^y(es)?$/i.test(answer.trim());
  }
  if (!io.interactive) {
    throw new UsageError("refusing to change tokens without confirmation: pass --yes to proceed");
  }
  io.err(`${question} [y/N] `);
  const answer = (await io.readLine()) ?? "";
  return /^y(es)?$/i.test(answer.trim());
}
