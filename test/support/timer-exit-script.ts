/**
 * Run as its own process by test/timer-queue.test.ts: the system clock's timers keep the
 * process alive exactly while one is pending. Prints a line as each step happens; the
 * process ending early (a timer that no longer keeps it alive) or late (a cancelled one that
 * still does) shows in what was printed and when it exited.
 */
import process from "node:process";
import { systemClock } from "../../src/clock.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const mode = process.argv[2];

if (mode === "cancelled") {
  // Cancelled long timers: nothing is pending, so the process ends at once.
  systemClock.setTimer(() => say("60 s timer fired"), 60_000)();
  systemClock.setTimer(() => say("30 s timer fired"), 30_000)();
  const late = systemClock.setTimer(() => say("45 s timer fired"), 45_000);
  late();
  late();
  say("cancelled three");
} else if (mode === "ref-again") {
  // A cancelled 0.3 s timer leaves the queue's platform timer idle (not keeping the process
  // alive), armed for 0.3 s. A 0.6 s timer set next must make it keep the process alive
  // again, and one set from a firing callback must fire too.
  systemClock.setTimer(() => say("cancelled timer fired"), 300)();
  const start = performance.now();
  systemClock.setTimer(() => {
    say(`fired after ${elapsed(start)} ms`);
    systemClock.setTimer(() => say(`nested fired after ${elapsed(start)} ms`), 100);
  }, 600);
  say("set");
} else if (mode === "sooner") {
  // The idle platform timer is armed for a cancelled 5 s timer: a 0.2 s one must not wait
  // for it, and a 1 s one queued behind it fires after it.
  systemClock.setTimer(() => say("cancelled timer fired"), 5_000)();
  const start = performance.now();
  systemClock.setTimer(() => say(`0.2 s fired after ${elapsed(start)} ms`), 200);
  systemClock.setTimer(() => say(`1 s fired after ${elapsed(start)} ms`), 1_000);
  say("set");
} else {
  throw new Error(`unknown mode ${mode}`);
}

function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}
