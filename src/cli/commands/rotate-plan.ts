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

/**
 * What `rotate` will do. The selection (active tokens, by name glob) is read first; from it
 * are left out tokens that are themselves part of a rotation: successors the state file
 * knows, tokens still carrying a rotation mark (a successor whose create was interrupted),
 * and old tokens already renamed as retiring. A state file with interrupted rotations
 * needs `--resume`, which adds them even when their token left the selection.
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
  const states = journal === undefined ? new Map() : foldJournal(await journal.read());
  const wanted = new Set(selection.instances.map((i) => i.toLowerCase()));
  const interrupted = [...states.values()].filter((s) =>
    INTERRUPTED.has(s.phase) && s.plan !== undefined && wanted.has(s.plan.instanceId)
  );
  if (interrupted.length > 0 && !o.resume) {
    throw new UsageError(
      `${interrupted.length} rotation(s) in the state file were interrupted: run again with --resume to finish them`,
    );
  }
  const partOfRotation = new Set<string>();
  for (const s of states.values()) {
    for (const id of [s.successorId, s.liveSuccessorId, ...(s.discardIds ?? [])]) {
      if (id !== undefined) partOfRotation.add(id.toLowerCase());
    }
  }
  const retiring = patternRegExp(o.retiringPattern);
  const selected: Selected[] = await selectForCli(client, {
    instances: selection.instances,
    ...(selection.filter !== undefined ? { filter: selection.filter } : {}),
    status: "active",
  }, o.signal);
  let excluded = 0;
  const planned: PlannedRotation[] = [];
  const keys = new Set<string>();
  for (const { instanceId, token } of selected) {
    const id = token.id.toLowerCase();
    if (
      partOfRotation.has(id) || MARKED.test(token.description ?? "") ||
      retiring.test(token.name ?? "")
    ) {
      excluded++;
      continue;
    }
    const key = `${instanceId}/${id}`.toLowerCase();
    keys.add(key);
    planned.push({ instanceId, apiTokenId: id, token, state: states.get(key) });
  }
  if (o.resume) {
    for (const s of states.values()) {
      if (s.plan === undefined || keys.has(s.key) || !wanted.has(s.plan.instanceId)) continue;
      if (s.phase === "done" || s.phase === "abandoned") continue;
      planned.push({ instanceId: s.plan.instanceId, apiTokenId: s.plan.oldTokenId, state: s });
    }
  }
  return { planned, excluded };
}
