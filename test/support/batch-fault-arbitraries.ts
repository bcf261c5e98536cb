/**
 * What the fault property (batch-fault-scenario.ts) draws from: a batch scenario (delete or
 * patch, 1–12 items over 1–3 instances, concurrency, pacing, stop rules, an abort moment) and
 * its faults, and how a generated fault becomes the embedded server's `FaultSpec`.
 */
import fc from "fast-check";
import type { FaultSpec } from "../../src/testing/mod.ts";
import type { FakeClock } from "./fake-clock.ts";

/** A Retry-After as generated: a header value, or a date `dateIn` seconds from the fault's adding. */
type RetryAfterGen = number | string | { dateIn: number; asString: boolean };

/** One generated fault; the instance is an index into the scenario's instances. */
export type FaultGen =
  & { times: number; instance?: number }
  & (
    | { reset: "before" | "after" }
    | { status: number; retryAfter?: RetryAfterGen; retryIn?: number }
    | { stall: true }
    | { trickle: true }
    | { redirect: 302 | 307; toItem: number }
  );

/** A generated batch run: what is done, to what, with which faults, stopped when. */
export interface Scenario {
  op: "delete" | "patch";
  instances: number;
  /** Per item, the index of its instance. */
  items: number[];
  concurrency: number;
  perInstanceConcurrency: number;
  ratePerInstance?: number;
  faults: FaultGen[];
  /** Abort as the n-th attempt starts, as the n-th result comes, or at a fake moment. */
  abort: { afterRequests: number } | { afterResults: number } | { atMs: number } | undefined;
  abortGraceMs: number;
  stopAfterFailures?: number;
  timeout: number;
  retries: number;
  minTimeout: number;
  progressIntervalMs?: number;
  maxBuffered?: number;
  /** A `for await` over `job.results` as well, leaving the loop after `breakAfter` results. */
  iterate?: { breakAfter?: number };
}

const retryAfterArb: fc.Arbitrary<RetryAfterGen> = fc.oneof(
  fc.integer({ min: 0, max: 90 }),
  fc.constantFrom("0", "1", " 2 ", "-1", "1.5", "soon", "", "99999999999999", "3600"),
  fc.record({ dateIn: fc.integer({ min: -5, max: 90 }), asString: fc.boolean() }),
);

const faultArb = (instances: number): fc.Arbitrary<FaultGen> =>
  fc.tuple(
    fc.oneof(
      {
        weight: 2,
        arbitrary: fc.constantFrom({ reset: "before" as const }, { reset: "after" as const }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          status: fc.constantFrom(429, 503),
          retryAfter: fc.option(retryAfterArb, { nil: undefined }),
          retryIn: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
        }, { requiredKeys: ["status"] }),
      },
      { weight: 2, arbitrary: fc.record({ status: fc.constantFrom(500, 502, 503, 504, 408) }) },
      { weight: 1, arbitrary: fc.record({ status: fc.constantFrom(401, 403) }) },
      { weight: 2, arbitrary: fc.constant({ stall: true as const }) },
      { weight: 1, arbitrary: fc.constant({ trickle: true as const }) },
      {
        weight: 1,
        arbitrary: fc.record({
          redirect: fc.constantFrom(302 as const, 307 as const),
          toItem: fc.nat(11),
        }),
      },
    ),
    fc.integer({ min: 1, max: 3 }),
    fc.option(fc.nat(instances - 1), { nil: undefined }),
  ).map(([shape, times, instance]) => ({ ...shape, times, instance }) as FaultGen);

/** Every scenario the property draws from. */
export const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 3 }).chain((
  instances,
) =>
  fc.record({
    op: fc.constantFrom("delete" as const, "patch" as const),
    instances: fc.constant(instances),
    items: fc.array(fc.nat(instances - 1), { minLength: 1, maxLength: 12 }),
    concurrency: fc.integer({ min: 1, max: 4 }),
    perInstanceConcurrency: fc.integer({ min: 1, max: 4 }),
    ratePerInstance: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    faults: fc.array(faultArb(instances), { maxLength: 8 }),
    abort: fc.option(
      fc.oneof(
        fc.record({ afterRequests: fc.integer({ min: 1, max: 20 }) }),
        fc.record({ afterResults: fc.integer({ min: 1, max: 12 }) }),
        fc.record({ atMs: fc.integer({ min: 0, max: 20_000 }) }),
      ),
      { nil: undefined },
    ),
    abortGraceMs: fc.constantFrom(0, 1, 500, 3_000),
    stopAfterFailures: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    timeout: fc.integer({ min: 200, max: 5_000 }),
    retries: fc.integer({ min: 0, max: 4 }),
    minTimeout: fc.integer({ min: 1, max: 500 }),
    // Not shorter: each progress tick is a step of the fake clock, which costs real turns.
    progressIntervalMs: fc.option(fc.integer({ min: 1_000, max: 5_000 }), { nil: undefined }),
    maxBuffered: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    iterate: fc.option(
      fc.record({ breakAfter: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }) }),
      { nil: undefined },
    ),
  }, {
    requiredKeys: [
      "op",
      "instances",
      "items",
      "concurrency",
      "perInstanceConcurrency",
      "faults",
      "abort",
      "abortGraceMs",
      "timeout",
      "retries",
      "minTimeout",
    ],
  })
);

/** The patch every patch scenario applies. */
export const PATCH = { description: "set by the fault property", status: "inactive" as const };

/** The server fault for a generated one; a date Retry-After is taken from `clock` now. */
export function faultSpec(
  gen: FaultGen,
  action: "delete" | "patch",
  ids: string[],
  items: { instanceId: string; apiTokenId: string }[],
  clock: FakeClock,
): FaultSpec {
  const target = {
    action,
    times: gen.times,
    ...(gen.instance === undefined ? {} : { instanceId: ids[gen.instance]! }),
  };
  if ("reset" in gen) return { ...target, reset: gen.reset };
  // A stall longer than any run: only the client's (fake-clock) timeout or abort ends it.
  if ("stall" in gen) return { ...target, stallAfterHeadersMs: 600_000 };
  // The body a few bytes at a time, slower than the fake clock moves: the timeout may cut it.
  if ("trickle" in gen) return { ...target, trickle: { bytes: 4, everyMs: 50 } };
  if ("redirect" in gen) {
    // To another item's token: following it would change a token this request did not name.
    const other = items[gen.toItem % items.length]!;
    return {
      ...target,
      redirect: gen.redirect,
      location: `/instances/${other.instanceId}/tokens/${other.apiTokenId}`,
    };
  }
  const spec: FaultSpec = { ...target, status: gen.status };
  const ra = gen.retryAfter;
  if (ra !== undefined) {
    if (typeof ra === "object") {
      const date = new Date(clock.now() + ra.dateIn * 1000);
      spec.retryAfter = ra.asString ? date.toUTCString() : date;
    } else spec.retryAfter = ra;
  }
  if (gen.retryIn !== undefined) spec.retryIn = gen.retryIn;
  return spec;
}
