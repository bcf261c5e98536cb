/**
 * The batch engine's parts on their own: the pure "which result does this item get" as a
 * table, the per-instance queues (round-robin, own token last, derived size) and the one
 * own-token-last rule.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  LosantApiError,
  LosantNetworkError,
  LosantRetryAfterError,
  LosantTimeoutError,
} from "../mod.ts";
import { ownTokenLast } from "../src/batch/mod.ts";
import {
  CallbackError,
  CancelledError,
  failureResult,
  GraceExpiredError,
  InstanceBlockedError,
  type ItemFacts,
  ItemSkippedError,
  type JobPhase,
} from "../src/batch/item-result.ts";
import { createInstanceQueues } from "../src/batch/instance-queues.ts";
import type { BatchResult } from "../src/batch/result.ts";

const item = (more: Partial<ItemFacts> = {}): ItemFacts => ({
  key: "i/t",
  index: 3,
  instanceId: "i",
  sent: true,
  unknown: false,
  resumeUnknown: false,
  ...more,
});
const job = (more: Partial<JobPhase> = {}): JobPhase => ({
  dryRun: false,
  abortGraceMs: 5000,
  notFoundAfterUnknown: "alreadyDeleted",
  ...more,
});
const api = (status: number, type = "X") => new LosantApiError(status, type, `${status} said so`);
const stopped = { type: "Aborted" as const, message: "stop" };

type Row = [string, unknown, ItemFacts, JobPhase, Partial<BatchResult>];
const ROWS: Row[] = [
  [
    "a 404 after an unknown outcome on a delete: done",
    api(404, "NotFound"),
    item({ unknown: true }),
    job(),
    {
      status: "succeeded",
      outcome: "alreadyDeleted",
      statusCode: 404,
    },
  ],
  ["a 404 with nothing unknown: failed", api(404, "NotFound"), item(), job(), {
    status: "failed",
    statusCode: 404,
    outcome: undefined,
  }],
  [
    "a 404 after unknown, for an operation with no meaning for it: failed, unknown",
    api(404),
    item({ unknown: true }),
    job({ notFoundAfterUnknown: undefined }),
    {
      status: "failed",
      outcome: "unknown",
    },
  ],
  ["a dry run's 404: skipped notFound", api(404), item(), job({ dryRun: true }), {
    status: "skipped",
    outcome: "notFound",
    wouldChange: false,
  }],
  ["a network error on a mutation: unknown", new LosantNetworkError("reset"), item(), job(), {
    status: "failed",
    type: "NetworkError",
    outcome: "unknown",
  }],
  [
    "a timeout in a dry run: not unknown",
    new LosantTimeoutError("slow", 10),
    item(),
    job({ dryRun: true }),
    {
      status: "failed",
      type: "Timeout",
      outcome: undefined,
    },
  ],
  [
    "cancelled before sending",
    new CancelledError(),
    item({ sent: false }),
    job({ stopping: stopped }),
    {
      status: "cancelled",
      type: "Aborted",
      message: "Not started: stop",
      outcome: undefined,
    },
  ],
  [
    "cancelled while waiting to retry after a 429: nothing applied",
    new CancelledError(),
    item(),
    job({ stopping: stopped }),
    {
      status: "cancelled",
      message: "Cancelled while waiting to retry: stop",
      outcome: undefined,
    },
  ],
  [
    "cancelled while waiting to retry after a 5xx: unknown",
    new CancelledError(),
    item({ unknown: true }),
    job({ stopping: stopped }),
    {
      status: "cancelled",
      outcome: "unknown",
    },
  ],
  [
    "aborted on the wire after the grace: unknown",
    new GraceExpiredError(),
    item(),
    job({ stopping: stopped }),
    {
      status: "failed",
      type: "Aborted",
      outcome: "unknown",
    },
  ],
  [
    "onStart threw: failed, not sent",
    new CallbackError("onStart threw: x"),
    item({ sent: false }),
    job({ stopping: { type: "CallbackFailed", message: "m" } }),
    {
      status: "failed",
      type: "CallbackFailed",
      message: "Not sent: onStart threw: x",
    },
  ],
  [
    "the operation found its change no longer applies: skipped with its type, even while stopping",
    new ItemSkippedError("StaleFinding", "rotation-age no longer applies"),
    item({ sent: true }),
    job({ stopping: stopped }),
    {
      status: "skipped",
      type: "StaleFinding",
      message: "rotation-age no longer applies",
      outcome: undefined,
    },
  ],
  [
    "a blocked instance (403s): cancelled unsent",
    new InstanceBlockedError({ kind: "forbidden", count: 3 }),
    item(),
    job(),
    {
      status: "cancelled",
      type: "InstanceForbidden",
      statusCode: 403,
    },
  ],
  [
    "Retry-After beyond maxRetryAfter",
    new LosantRetryAfterError(api(429, "TooManyRequests"), new Date(8.64e15), 1000),
    item(),
    job(),
    {
      status: "failed",
      statusCode: 429,
      retryAt: new Date(8.64e15).toISOString(),
    },
  ],
];

for (const [name, error, facts, phase, expected] of ROWS) {
  test(`failureResult: ${name}`, () => {
    const result = failureResult(error, facts, phase);
    assert.is(result.key, "i/t");
    assert.is(result.index, 3);
    for (const [field, value] of Object.entries(expected)) {
      assert.equal((result as unknown as Record<string, unknown>)[field], value, field);
    }
  });
}

test("instance queues: round-robin across instances, own token last, size derived", () => {
  const queues = createInstanceQueues<{ instanceId: string; apiTokenId: string }>("SELF");
  for (
    const [instanceId, apiTokenId] of [["a", "1"], ["a", "2"], ["a", "self"], ["b", "3"], [
      "c",
      "4",
    ], ["a", "5"]]
  ) {
    queues.push({ instanceId: instanceId!, apiTokenId: apiTokenId! });
  }
  assert.is(queues.size, 6);
  const order: string[] = [];
  for (let next = queues.next(() => true); next; next = queues.next(() => true)) {
    order.push(`${next.instanceId}${next.apiTokenId}`);
  }
  assert.equal(order, ["a1", "b3", "c4", "a2", "a5"]);
  assert.is(queues.size, 1, "the own token waits apart");
  assert.ok(queues.releaseOwn());
  assert.equal(queues.next(() => true), { instanceId: "a", apiTokenId: "self" });
  assert.is(queues.size, 0);
  queues.push({ instanceId: "a", apiTokenId: "6" });
  queues.push({ instanceId: "b", apiTokenId: "7" });
  assert.equal(
    queues.next((id) => id !== "a"),
    { instanceId: "b", apiTokenId: "7" },
    "a blocked instance is skipped",
  );
  assert.equal(queues.takeInstance("a"), [{ instanceId: "a", apiTokenId: "6" }]);
  assert.is(queues.size, 0);
});

test("ownTokenLast: the one rule, case-insensitive, order otherwise kept", () => {
  const ids = ["a", "SELF", "b", "self", "c"];
  assert.equal(ownTokenLast(ids, "Self", (x) => x), ["a", "b", "c", "SELF", "self"]);
  assert.equal(ownTokenLast(ids, undefined, (x) => x), ids);
});

test.run();
