import type { ApiTokenPost } from "../schemas/api-token-post.ts";

/**
 * The phases of one rotation, each journaled before it starts (so the last line of a key
 * says what was under way when a run stopped):
 *
 *   create → deliver → finalize → wait → deactivate → inactive → delete → done
 *                  ↘ discard → (create again | abandoned)
 *
 * - `create`: the POST of the successor, carrying the mark (`nonce`) that finds it again.
 * - `deliver`: the successor exists (`successorId`); its secret goes to the sink.
 * - `finalize`: the sink has it; the mark comes off the successor, the old token is renamed.
 * - `wait`: nothing in flight; the old token is retired at `deactivateAt`, deleted at `deleteAt`.
 * - `deactivate`, `delete`: the retirement calls; `inactive`: deactivated, the delete not due.
 * - `done`: nothing is left to do.
 * - `discard`: a successor whose secret nobody may have is being deleted.
 * - `abandoned`: the rotation gave up cleanly (nothing of it is live); a later run starts over.
 */
export type RotationPhase =
  | "create"
  | "deliver"
  | "finalize"
  | "wait"
  | "deactivate"
  | "inactive"
  | "delete"
  | "done"
  | "discard"
  | "abandoned";

/** What a rotation will do, fixed when it first starts and replayed, never recomputed. */
export interface RotationPlan {
  /** The instance of both tokens. */
  instanceId: string;
  /** The token being replaced. */
  oldTokenId: string;
  /** The successor's fields, without the mark. */
  successor: ApiTokenPost;
  /** The old token's name once it is retiring. */
  retiringName: string;
  /** ms from the end of `finalize` until the old token is deactivated. */
  graceMs: number;
  /** ms from deactivation until the old token is deleted; null: left inactive. */
  deleteAfterMs: number | null;
}

/** One line of the rotation journal. It never holds a secret: none of its fields can. */
export interface JournalEntry {
  /** `<instanceId>/<oldTokenId>`, lower case. */
  key: string;
  /** The phase this entry starts. */
  phase: RotationPhase;
  /** ISO 8601, from the rotation's clock. */
  at: string;
  /** create: the plan (first create of a rotation only) and the mark of this attempt. */
  plan?: RotationPlan;
  /**
   * create: the mark this attempt puts in the successor's description, to find it if the answer is
   * lost.
   */
  nonce?: string;
  /** deliver, finalize, discard: the successor in question. */
  successorId?: string;
  /** discard: every token to delete (a create that may have been applied twice). */
  discardIds?: string[];
  /** wait: when the old token is due to be deactivated and deleted (null: never). */
  deactivateAt?: string;
  /** wait: when the old token is due to be deleted (ISO 8601); null: never. */
  deleteAt?: string | null;
  /** abandoned, discard: why, in words that hold no secret. */
  reason?: string;
}

/**
 * Where a rotation keeps its journal: append-only, each append durable before it resolves,
 * read back whole, and one writer at a time.
 */
export interface RotationJournal {
  /** Every entry so far, in order. */
  read(): Promise<JournalEntry[]>;
  /** Appends one entry; resolves once it would survive a crash. */
  append(entry: JournalEntry): Promise<void>;
  /**
   * Takes the journal for one run; rejects with RotationLockedError while another run
   * holds it. Resolves with the release function.
   */
  lock(): Promise<() => Promise<void>>;
}

/** Another run holds the journal. */
export class RotationLockedError extends Error {
  /** Always `"RotationLocked"`: the `type` of the item's failed result. */
  override name = "RotationLocked";
}

/** What the journal says about one rotation. */
export interface RotationState {
  /** `<instanceId>/<oldTokenId>`, lower case. */
  key: string;
  /** The phase the last entry started. */
  phase: RotationPhase;
  /** The plan journaled by the first create. */
  plan?: RotationPlan;
  /** The mark of the last create attempt. */
  nonce?: string;
  /** The successor of the last create, deliver or finalize. */
  successorId?: string;
  /** Tokens still to delete from a discard. */
  discardIds?: string[];
  /** When the old token is due to be deactivated (ISO 8601). */
  deactivateAt?: string;
  /** When the old token is due to be deleted (ISO 8601); null: never. */
  deleteAt?: string | null;
  /** The successor that was delivered (set from `finalize` on). */
  liveSuccessorId?: string;
}

/**
 * Folds journal entries into the state of each rotation; a later line wins. A `plan` and
 * the delivered successor carry over from earlier lines.
 *
 * @example
 * const states = foldJournal(await journal.read());
 * states.get("5f.../60...")?.phase; // "wait"
 */
export function foldJournal(entries: Iterable<JournalEntry>): Map<string, RotationState> {
  const states = new Map<string, RotationState>();
  for (const entry of entries) {
    if (typeof entry?.key !== "string" || typeof entry.phase !== "string") continue;
    const key = entry.key.toLowerCase();
    const before = states.get(key);
    const state: RotationState = { key, phase: entry.phase };
    const plan = entry.plan ?? (entry.phase === "abandoned" ? undefined : before?.plan);
    if (plan !== undefined) state.plan = plan;
    if (entry.nonce !== undefined) state.nonce = entry.nonce;
    if (entry.successorId !== undefined) state.successorId = entry.successorId;
    if (entry.discardIds !== undefined) state.discardIds = entry.discardIds;
    if (entry.phase === "finalize") state.liveSuccessorId = entry.successorId;
    else if (before?.liveSuccessorId !== undefined && isAfterDelivery(entry.phase)) {
      state.liveSuccessorId = before.liveSuccessorId;
    }
    const deactivateAt = entry.deactivateAt ?? before?.deactivateAt;
    const deleteAt = entry.deleteAt !== undefined ? entry.deleteAt : before?.deleteAt;
    if (isAfterDelivery(entry.phase) && deactivateAt !== undefined) {
      state.deactivateAt = deactivateAt;
      state.deleteAt = deleteAt ?? null;
    }
    states.set(key, state);
  }
  return states;
}

/** Phases in which the successor's secret has been delivered. */
export function isAfterDelivery(phase: RotationPhase): boolean {
  return phase === "finalize" || phase === "wait" || phase === "deactivate" ||
    phase === "inactive" || phase === "delete" || phase === "done";
}
