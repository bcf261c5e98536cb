import process from "node:process";
import cliProgress from "cli-progress";
import type { BatchProgress } from "../batch/report.ts";
import type { Io } from "./io.ts";

/** The counts a progress view shows: a subset of the batch engine's BatchProgress. */
export type ProgressCounts =
  & Pick<
    BatchProgress,
    "done" | "succeeded" | "failed" | "cancelled" | "skipped" | "inFlight" | "ratePerSecond"
  >
  & { final?: boolean };

/** Live progress of a bulk job on stderr. */
export interface ProgressView {
  update(counts: ProgressCounts): void;
  stop(): void;
}

/**
 * A cli-progress bar when stderr is a terminal; otherwise one plain line per update
 * (`progress: 40/150 ok 38 failed 2 ...`), which logs and CI output keep readable.
 *
 * @example
 * const view = createProgressView(io, items.length, "deactivate");
 * const report = await patchTokens(client, items, { onProgress: (p) => view.update(p) });
 * view.stop();
 */
export function createProgressView(
  io: Io,
  total: number,
  label: string,
  live = io.stderrIsTty,
): ProgressView {
  if (!live) {
    let last = "";
    return {
      update(c) {
        const line = `progress: ${c.done}/${total} ok ${c.succeeded} failed ${c.failed} ` +
          `skipped ${c.skipped} cancelled ${c.cancelled} in-flight ${c.inFlight} ` +
          `${c.ratePerSecond.toFixed(1)}/s\n`;
        if (line !== last) io.err(line);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        `${label} {bar} {percentage}% | {value}/{total} | ok {ok} failed {failed} skipped {skipped} | {rate}/s`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { ok: 0, failed: 0, skipped: 0, rate: "0.0" });
  return {
    update(c) {
      bar.update(c.done, {
        ok: c.succeeded,
        failed: c.failed,
        skipped: c.skipped,
        rate: c.ratePerSecond.toFixed(1),
      });
    },
    stop: () => bar.stop(),
  };
}
