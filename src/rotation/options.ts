import * as v from "valibot";
import { type Clock, isClock } from "../clock.ts";
import { LosantValidationError } from "../errors.ts";
import { parseParams } from "../validate.ts";
import type { RotationJournal, RotationPhase } from "./journal.ts";
import { memoryJournal } from "./memory-journal.ts";
import { checkPatterns, DEFAULT_RETIRING_NAME, DEFAULT_SUCCESSOR_NAME } from "./naming.ts";
import type { RotationNames } from "./naming.ts";
import type { SecretSink } from "./sink.ts";
import type { ApiToken } from "../schemas/api-token.ts";

/** Where a rotation is, for `onPhase`: a phase about to start, or `delivered`. */
export type RotationPoint = RotationPhase | "delivered";

/** What rotateToken and rotateTokens are told; exactly one expiry choice is required. */
export interface RotationOptions {
  /** Receives each successor's secret; must resolve before the old token is touched. */
  sink: SecretSink;
  /**
   * The state of every rotation (default: in memory, which survives nothing). Give a
   * `fileJournal` when a grace period outlives the process or a killed run must resume.
   */
  journal?: RotationJournal;
  /** The successor expires this many ms after it is created. */
  expiresIn?: number;
  /** The successor expires at this moment. */
  expirationDate?: string | Date;
  /** Say so explicitly to create successors that never expire. */
  neverExpires?: true;
  /** ms after delivery until the old token is deactivated (default 0: at once). */
  graceMs?: number;
  /** ms after deactivation until the old token is deleted (default: left inactive). */
  deleteAfterMs?: number;
  /** Name patterns for the pair (see RotationNames). */
  names?: RotationNames;
  /**
   * Check first that the access token may list, create, patch and delete on every
   * instance (default true): a missing right then creates nothing.
   */
  preflight?: boolean;
  /**
   * The clock grace periods and expiries are read from (default: the client's, see
   * `createClient({ clock })`).
   */
  clock?: Clock;
  /** Told, and awaited, at each point of each rotation (progress; tests stop runs here). */
  onPhase?: (point: RotationPoint, key: string) => void | Promise<void>;
  /**
   * Asked with the old token as read just before its rotation is planned, and `undefined`
   * when it no longer exists: a string returned is why it must not be rotated after all
   * (`rotate --from-findings`: the audit's finding no longer holds). Nothing is created and
   * the item is `skipped`, type `StaleFinding`. A rotation resumed from the journal replays
   * its plan and is not asked.
   */
  recheck?: (token: ApiToken | undefined, key: string) => string | undefined;
}

/** RotationOptions with defaults filled in. */
export interface RotationSettings {
  sink: SecretSink;
  journal: RotationJournal;
  expiry: { expiresIn: number } | { expirationDate: string } | { never: true };
  graceMs: number;
  deleteAfterMs: number | null;
  names: Required<RotationNames>;
  preflight: boolean;
  now: () => number;
  onPhase?: (point: RotationPoint, key: string) => void | Promise<void>;
  recheck?: (token: ApiToken | undefined, key: string) => string | undefined;
}

const ms = v.optional(
  v.pipe(
    v.number("must be a number"),
    v.minValue(0, "must be at least 0"),
    v.maxValue(100 * 365 * 86_400_000, "must be at most 100 years"),
  ),
);
const fn = v.optional(v.custom<(...a: never[]) => unknown>((x) => typeof x === "function"));

/** The rotation's own option fields (the rest go to the batch engine or the call). */
export const ROTATION_KEYS = [
  "sink",
  "journal",
  "expiresIn",
  "expirationDate",
  "neverExpires",
  "graceMs",
  "deleteAfterMs",
  "names",
  "preflight",
  "clock",
  "onPhase",
  "recheck",
] as const;

const RotationOptionsSchema = v.strictObject({
  sink: v.custom<SecretSink>((x) => typeof x === "function", "must be a function"),
  journal: v.optional(
    v.custom<RotationJournal>(
      (x) =>
        typeof x === "object" && x !== null &&
        ["read", "append", "lock"].every((k) =>
          typeof (x as Record<string, unknown>)[k] === "function"
        ),
      "must be a journal (read, append, lock)",
    ),
  ),
  expiresIn: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.minValue(60_000, "must be at least 60000 (a minute)"),
      v.maxValue(100 * 365 * 86_400_000, "must be at most 100 years"),
    ),
  ),
  expirationDate: v.optional(
    v.union(
      [v.date(), v.pipe(v.string(), v.isoTimestamp())],
      "must be a Date or an ISO 8601 date-time",
    ),
  ),
  neverExpires: v.optional(v.literal(true, "must be true when given")),
  graceMs: ms,
  deleteAfterMs: ms,
  names: v.optional(
    v.strictObject(
      {
        successor: v.optional(v.pipe(v.string("must be a string"), v.maxLength(200))),
        retiring: v.optional(v.pipe(v.string("must be a string"), v.maxLength(200))),
      },
      "must be an object with only successor, retiring",
    ),
  ),
  preflight: v.optional(v.boolean("must be a boolean")),
  clock: v.optional(v.custom<Clock>(isClock, "must be a clock: an object with now and setTimer")),
  onPhase: fn,
  recheck: fn,
}, "must be an object with only the rotation options");

/**
 * Checks the rotation's options (LosantValidationError naming the field) and fills in
 * defaults.
 *
 * @example
 * const settings = resolveRotation({ sink, expiresIn: 90 * DAY }, "rotateToken", systemClock);
 */
export function resolveRotation(
  options: RotationOptions,
  action: string,
  clientClock: Clock,
): RotationSettings {
  const o = parseParams(RotationOptionsSchema, options, action) as RotationOptions;
  const given = [o.expiresIn, o.expirationDate, o.neverExpires].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw validation(
      action,
      "expiresIn",
      "exactly one of expiresIn, expirationDate or neverExpires: true is required",
    );
  }
  const problem = checkPatterns(o.names ?? {});
  if (problem !== undefined) throw validation(action, "names", problem);
  const clock = o.clock ?? clientClock;
  const now = () => clock.now();
  if (o.expirationDate !== undefined) {
    const at = new Date(o.expirationDate);
    if (at.getTime() <= now()) throw validation(action, "expirationDate", "must be in the future");
  }
  return {
    sink: o.sink,
    journal: o.journal ?? memoryJournal(),
    expiry: o.expiresIn !== undefined
      ? { expiresIn: o.expiresIn }
      : o.expirationDate !== undefined
      ? { expirationDate: new Date(o.expirationDate).toISOString() }
      : { never: true },
    graceMs: o.graceMs ?? 0,
    deleteAfterMs: o.deleteAfterMs ?? null,
    names: {
      successor: o.names?.successor ?? DEFAULT_SUCCESSOR_NAME,
      retiring: o.names?.retiring ?? DEFAULT_RETIRING_NAME,
    },
    preflight: o.preflight ?? true,
    now,
    ...(o.onPhase !== undefined ? { onPhase: o.onPhase } : {}),
    ...(o.recheck !== undefined ? { recheck: o.recheck } : {}),
  };
}

/** Splits an options object into the rotation's fields and the rest. */
export function splitRotationOptions<T extends object>(
  options: T,
): { rotation: Record<string, unknown>; rest: Record<string, unknown> } {
  const rotation: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    if ((ROTATION_KEYS as readonly string[]).includes(key)) rotation[key] = value;
    else rest[key] = value;
  }
  return { rotation, rest };
}

function validation(action: string, path: string, message: string): LosantValidationError {
  return new LosantValidationError([{ path, rule: "check", message }], { action });
}
