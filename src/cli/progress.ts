import process from "node:process";
import cliProgress from "cli-progress";
import type { BatchProgress } from "../batch/mod.ts";
import type { Io } from "./io.ts";

/** The counts a progress view shows: a subset of the batch engine's BatchProgress. */
export type ProgressCounts =
  & Pick<
    BatchProgress,
    "done" | "succeeded" | "failed" | "cancelled" | "skipped" | "inFlight" | "ratePerSecond"
  >
  & Partial<Pick<BatchProgress, "throttled" | "pacing">>
  & { final?: boolean };

/** Paced instances named on the line, at most; the rest are counted. */
const PACED_SHOWN = 3;

/**
 * What pacing the line shows: the 429s so far, and each instance paced now (told a rate, or
 * slowed by 429s) with its current rate and its own 429s, so a job going slower than
 * expected says why and where: ` throttled 12 | paced <instance id> 48.2/s (12 × 429)`.
 * Empty while nothing is paced or throttled.
 */
export function pacingText(c: Pick<ProgressCounts, "throttled" | "pacing">): string {
  const paced = c.pacing ?? [];
  let text = c.throttled ? ` throttled ${c.throttled}` : "";
  if (paced.length === 0) return text;
  const shown = paced.slice(0, PACED_SHOWN).map((p) =>
    `${p.instanceId} ${p.rate.toFixed(1)}/s${p.mode === "told" ? " (told)" : ""}${
      p.throttled > 0 ? ` (${p.throttled} × 429)` : ""
    }`
  );
  const more = paced.length > PACED_SHOWN ? `, +${paced.length - PACED_SHOWN} more` : "";
  text += ` | paced ${shown.join(", ")}${more}`;
  return text;
}

/** Live progress of a bulk job on stderr. */
export interface ProgressView {
  update(counts: ProgressCounts): void;
  /** Stops drawing for good: later updates are ignored, so nothing overwrites a summary. */
  stop(): void;
}

/** How the view is drawn. */
export interface ProgressViewOptions {
  /** A live bar (stderr is a terminal) or plain lines. */
  live: boolean;
  /** `--concurrency`: at most this many calls are on the wire. */
  concurrency: number;
}

/**
 * The engine counts as in flight every item it has started and not finished, which
 * includes items waiting to retry or for a free slot, up to twice the concurrency. The
 * line says so instead of claiming more calls on the wire than `--concurrency` allows.
 */
function inFlightText(inFlight: number, concurrency: number): string {
  const onWire = Math.min(inFlight, concurrency);
  const waiting = inFlight - onWire;
  return `in-flight ${onWire}${waiting > 0 ? ` (+${waiting} waiting to retry or for a slot)` : ""}`;
}

/**
 * A cli-progress bar when stderr is a terminal; otherwise one plain line per update
 * (`progress: 40/150 ok 38 failed 2 ...`), which logs and CI output keep readable.
 *
 * @example
 * const view = createProgressView(io, items.length, "deactivate", { live: false, concurrency: 8 });
 * const report = await patchTokens(client, items, { onProgress: (p) => view.update(p) });
 * view.stop();
 */
export function createProgressView(
  io: Io,
  total: number,
  label: string,
  options: ProgressViewOptions,
): ProgressView {
  let stopped = false;
  if (!options.live) {
    let last = "";
    return {
      update(c) {
        if (stopped) return;
        const line = `progress: ${c.done}/${total} ok ${c.succeeded} failed ${c.failed} ` +
          `skipped ${c.skipped} cancelled ${c.cancelled} ` +
          `${inFlightText(c.inFlight, options.concurrency)} ${c.ratePerSecond.toFixed(1)}/s` +
          `${pacingText(c)}\n`;
        if (line !== last) io.err(line);
        last = line;
      },
      stop: () => void (stopped = true),
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {bar} {percentage}% | {value}/{total} | ok {ok} failed {failed} ` +
        "skipped {skipped} | {inFlight} | {rate}/s{pacing}",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, {
    ok: 0,
    failed: 0,
    skipped: 0,
    rate: "0.0",
    inFlight: "in-flight 0",
    pacing: "",
  });
  return {
    update(c) {
      if (stopped) return;
      bar.update(c.done, {
        ok: c.succeeded,
        failed: c.failed,
        skipped: c.skipped,
        rate: c.ratePerSecond.toFixed(1),
        inFlight: inFlightText(c.inFlight, options.concurrency),
        pacing: pacingText(c),
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
