import { type ApiToken, type Client, getToken, LosantApiError } from "../../../mod.ts";
import type { RotationJournal, RotationOptions } from "../../batch/mod.ts";
import {
  checkFindingsFlags,
  FINDINGS_ON_STDIN,
  type FindingTarget,
  readFindingTargets,
  staleReasonFor,
} from "../findings.ts";
import type { Io } from "../io.ts";
import type { Session } from "../session.ts";
import { planGivenRotations, type PlannedRotation } from "./rotate-plan.ts";

/** What a `rotate` run works on, however it was selected. */
export interface RotateSelection {
  instances: string[];
  planned: PlannedRotation[];
  /** Tokens of the selection left out: already part of a rotation. */
  excluded: number;
  /** Said after the count in the plan's first line. */
  from?: string;
  /** What stdin carried, for the confirmation (see `confirm`). */
  stdinUsed: boolean | string;
  /** Asked just before each fresh rotation (see RotationOptions.recheck). */
  recheck?: RotationOptions["recheck"];
  /** The dry run's own check: how many would be skipped as stale, each printed. */
  dryRun?: () => Promise<number>;
}

/** The flags `rotate --from-findings` reads. */
export interface RotateFindingsOptions {
  fromFindings: string;
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  all?: boolean;
  resume?: boolean;
  retiringName: string;
}

/** Refuses the flags `--from-findings` cannot go with, before anything is read. */
export function checkRotateFindingsFlags(o: RotateFindingsOptions, session: Session): void {
  checkFindingsFlags(o.fromFindings, {
    "--instance": o.instance?.length,
    "--instances-file": o.instancesFile !== undefined,
    "--filter": o.filter !== undefined,
    "--all": o.all,
  }, { "--token-file -": session.stdinUsed });
}

/**
 * `rotate --from-findings`: the tokens an audit's findings name (see findings.ts). Each is
 * re-checked on the very read its rotation copies it from, so a finding gone stale (the
 * token deactivated, renewed, deleted, or already rotated) creates nothing and is reported
 * `skipped`, type `StaleFinding`. A dry run reads each token and says which are stale.
 *
 * @example
 * const selection = await selectFromFindings(io, session, journal, options, signal);
 */
export async function selectFromFindings(
  io: Io,
  session: Session,
  journal: RotationJournal | undefined,
  o: RotateFindingsOptions,
  signal: AbortSignal,
): Promise<RotateSelection> {
  const targets = await readFindingTargets(o.fromFindings, io);
  const findings = targets.reduce((n, t) => n + t.findings.length, 0);
  const { planned, isPartOfRotation } = await planGivenRotations(journal, targets, {
    resume: o.resume,
    retiringPattern: o.retiringName,
  });
  const byKey = new Map<string, FindingTarget>(
    targets.map((t) => [`${t.instanceId}/${t.apiTokenId}`, t]),
  );
  // The real run and the dry run judge alike: on the token as just read.
  const judge = (target: FindingTarget, token: ApiToken | undefined) =>
    token !== undefined && isPartOfRotation(token)
      ? "already part of a rotation"
      : staleReasonFor(target, token, Date.now());
  return {
    instances: [...new Set(planned.map((p) => p.instanceId))],
    planned,
    excluded: 0,
    from: ` from ${findings} finding(s)`,
    stdinUsed: o.fromFindings === "-" ? FINDINGS_ON_STDIN : session.stdinUsed,
    recheck(token, key) {
      const target = byKey.get(key);
      // A rotation --resume added from the state file: not a finding's.
      return target === undefined ? undefined : judge(target, token);
    },
    async dryRun() {
      let stale = 0;
      for (const target of targets) {
        const reason = judge(target, await readToken(session.client, target, signal));
        if (reason === undefined) continue;
        stale++;
        io.err(`  stale ${target.instanceId}/${target.apiTokenId}: ${reason}\n`);
      }
      return stale;
    },
  };
}

async function readToken(
  client: Client,
  target: FindingTarget,
  signal: AbortSignal,
): Promise<ApiToken | undefined> {
  try {
    const { instanceId, apiTokenId } = target;
    return await getToken(client, { instanceId, apiTokenId }, { signal });
  } catch (error) {
    if (error instanceof LosantApiError && error.statusCode === 404) return undefined;
    throw error;
  }
}
