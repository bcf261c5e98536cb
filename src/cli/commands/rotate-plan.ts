import type { ApiToken, Client } from "../../../mod.ts";
import { foldJournal, type RotationJournal, type RotationState } from "../../batch/mod.ts";
import { UsageError } from "../exit-codes.ts";
import { type Selected, selectForCli } from "../selection.ts";

/** A rotation the run will do: a token of the selection, or one the state file left unfinished. */
export interface PlannedRotation {
  instanceId: string;
  apiTokenId: string;
  /** The token as listed (absent for an unfinished rotation whose token left the selection). */
  token?: ApiToken;
  /** Its name as an audit's finding saw it (`--from-findings`: nothing is listed). */
  name?: string;
  /** What the state file says about it. */
  state?: RotationState;
}

// Phases in which a killed run left a rotation half done.
const INTERRUPTED = new Set(["create", "deliver", "discard", "finalize", "deactivate", "delete"]);
const MARKED = /\[losant-tokens rotation [0-9a-f]{16}\]$/;

/** A RegExp for names made by a name pattern (`{name} (retiring {date})`). */
export function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replaceAll("\\{name\\}", ".+")
    .replaceAll("\\{date\\}", "\\d{4}-\\d{2}-\\d{2}");
  return new RegExp(`^${escaped}$`);
}

/** What the state file says, as planning needs it. */
interface JournalView {
  states: Map<string, RotationState>;
  /** Whether a token is itself part of a rotation, so never the old token of another. */
  isPartOfRotation(token: ApiToken): boolean;
}

/**
 * Reads the state file: its rotations by key, and what tells a token that is part of a
 * rotation (a successor the state file knows, a token still carrying a rotation mark: a
 * successor whose create was interrupted, an old token already renamed as retiring). A
 * state file with interrupted rotations in these instances needs `--resume`.
 */
async function readJournalView(
  journal: RotationJournal | undefined,
  instances: ReadonlySet<string>,
  o: { resume?: boolean; retiringPattern: string },
): Promise<JournalView> {
  const states = journal === undefined ? new Map() : foldJournal(await journal.read());
  const interrupted = [...states.values()].filter((s) =>
    INTERRUPTED.has(s.phase) && s.plan !== undefined && instances.has(s.plan.instanceId)
  );
  if (interrupted.length > 0 && !o.resume) {
    throw new UsageError(
      `${interrupted.length} rotation(s) in the state file were interrupted: run again with --resume to finish them`,
    );
  }
  const members = new Set<string>();
  for (const s of states.values()) {
    for (const id of [s.successorId, s.liveSuccessorId, ...(s.discardIds ?? [])]) {
      if (id !== undefined) members.add(id.toLowerCase());
    }
  }
  const retiring = patternRegExp(o.retiringPattern);
  return {
    states,
    isPartOfRotation: (token) =>
      members.has(token.id.toLowerCase()) || MARKED.test(token.description ?? "") ||
      retiring.test(token.name ?? ""),
  };
}

/** With `--resume`: the unfinished rotations of these instances not already planned. */
function resumed(
  states: Map<string, RotationState>,
  planned: ReadonlySet<string>,
  instances: ReadonlySet<string>,
): PlannedRotation[] {
  const more: PlannedRotation[] = [];
  for (const s of states.values()) {
    if (s.plan === undefined || planned.has(s.key) || !instances.has(s.plan.instanceId)) continue;
    if (s.phase === "done" || s.phase === "abandoned") continue;
    more.push({ instanceId: s.plan.instanceId, apiTokenId: s.plan.oldTokenId, state: s });
  }
  return more;
}

/**
 * What `rotate` will do. The selection (active tokens, by name glob) is read first; from it
 * are left out tokens that are themselves part of a rotation (see readJournalView). A
 * state file with interrupted rotations needs `--resume`, which adds them even when their
 * token left the selection.
 *
 * @example
 * const plan = await planRotations(client, journal, { instances, filter: "svc-*" }, opts);
 */
export async function planRotations(
  client: Client,
  journal: RotationJournal | undefined,
  selection: { instances: readonly string[]; filter?: string },
  o: { resume?: boolean; retiringPattern: string; signal?: AbortSignal },
): Promise<{ planned: PlannedRotation[]; excluded: number }> {
  const wanted = new Set(selection.instances.map((i) => i.toLowerCase()));
  const { states, isPartOfRotation } = await readJournalView(journal, wanted, o);
  const selected: Selected[] = await selectForCli(client, {
    instances: selection.instances,
    ...(selection.filter !== undefined ? { filter: selection.filter } : {}),
    status: "active",
  }, o.signal);
  let excluded = 0;
  const planned: PlannedRotation[] = [];
  const keys = new Set<string>();
  for (const { instanceId, token } of selected) {
    if (isPartOfRotation(token)) {
      excluded++;
      continue;
    }
    const id = token.id.toLowerCase();
    const key = `${instanceId}/${id}`.toLowerCase();
    keys.add(key);
    planned.push({ instanceId, apiTokenId: id, token, state: states.get(key) });
  }
  if (o.resume) planned.push(...resumed(states, keys, wanted));
  return { planned, excluded };
}

/**
 * What `rotate --from-findings` will do: every token the findings name, in their order
 * (nothing is listed: each is read, and re-checked, just before its rotation), then with
 * `--resume` the unfinished rotations of their instances. `isPartOfRotation` is for that
 * re-check: such a token is never rotated again.
 *
 * @example
 * const { planned, isPartOfRotation } = await planGivenRotations(journal, targets, opts);
 */
export async function planGivenRotations(
  journal: RotationJournal | undefined,
  tokens: readonly { instanceId: string; apiTokenId: string; name: string }[],
  o: { resume?: boolean; retiringPattern: string },
): Promise<{ planned: PlannedRotation[]; isPartOfRotation: (token: ApiToken) => boolean }> {
  const wanted = new Set(tokens.map((t) => t.instanceId.toLowerCase()));
  const { states, isPartOfRotation } = await readJournalView(journal, wanted, o);
  const keys = new Set<string>();
  const planned: PlannedRotation[] = [];
  for (const t of tokens) {
    const key = `${t.instanceId}/${t.apiTokenId}`.toLowerCase();
    if (keys.has(key)) continue;
    keys.add(key);
    planned.push({
      instanceId: t.instanceId.toLowerCase(),
      apiTokenId: t.apiTokenId.toLowerCase(),
      name: t.name,
      state: states.get(key),
    });
  }
  if (o.resume) planned.push(...resumed(states, keys, wanted));
  return { planned, isPartOfRotation };
}
