/**
 * The attempt's abort reaches httpFetch through abort-watch: directly for a signal the
 * timeout stage made, through an ordinary listener for any other. Each path is checked here;
 * the resilience suite checks the whole (a stalled body times out over httpFetch).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abortWatched, watchAbort, watchedController } from "../src/fetch/abort-watch.ts";

test("a watched controller's abort calls its watcher once, with the reason already set", () => {
  const controller = watchedController();
  const seen: unknown[] = [];
  watchAbort(controller.signal, () => seen.push(controller.signal.reason));
  const reason = new Error("timed out");
  abortWatched(controller, reason);
  abortWatched(controller, new Error("again"));
  assert.equal(seen, [reason]);
  assert.ok(controller.signal.aborted);
});

test("a watcher that unwatched is not called", () => {
  const controller = watchedController();
  let calls = 0;
  const unwatch = watchAbort(controller.signal, () => calls++);
  unwatch();
  abortWatched(controller, new Error("late"));
  assert.is(calls, 0);
});

test("a second watcher of the same signal is told too (through a listener)", () => {
  const controller = watchedController();
  const seen: string[] = [];
  watchAbort(controller.signal, () => seen.push("first"));
  watchAbort(controller.signal, () => seen.push("second"));
  abortWatched(controller, new Error("x"));
  assert.equal(seen.sort(), ["first", "second"]);
});

test("after an unwatch, the next watcher takes the direct path and is told", () => {
  const controller = watchedController();
  const seen: string[] = [];
  watchAbort(controller.signal, () => seen.push("first"))();
  watchAbort(controller.signal, () => seen.push("next"));
  abortWatched(controller, new Error("x"));
  assert.equal(seen, ["next"]);
});

test("a signal it did not make is watched by a listener: a plain abort reaches the watcher, an unwatch stops it", () => {
  const plain = new AbortController();
  let calls = 0;
  watchAbort(plain.signal, () => calls++);
  plain.abort();
  assert.is(calls, 1);
  const other = new AbortController();
  watchAbort(other.signal, () => calls++)();
  other.abort();
  assert.is(calls, 1);
});

test("ordinary listeners of a watched signal still hear its abort, before the watcher", () => {
  const controller = watchedController();
  const order: string[] = [];
  controller.signal.addEventListener("abort", () => order.push("listener"));
  watchAbort(controller.signal, () => order.push("watcher"));
  abortWatched(controller, new Error("x"));
  assert.equal(order, ["listener", "watcher"]);
});

test.run();
