import { existsSync } from "node:fs";
import {
  type BatchResult,
  fileJournal,
  finishRetirements,
  foldJournal,
  retirementDue,
} from "../../batch/mod.ts";
import { confirm } from "../confirm.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { Io } from "../io.ts";
import { printJson } from "../output.ts";
import type { Session } from "../session.ts";

/**
 * `rotate-finish`: the retirements that are due, from the state file alone. Meant for cron:
 * the journal's lock refuses a second run while one works. When the CLI's own access token
 * is among the old tokens, it is retired last; the run must then use the successor's secret.
 */
export async function runFinish(
  io: Io,
  session: Session,
  signal: AbortSignal,
  o: { state: string; concurrency: number; yes?: boolean; json?: boolean },
): Promise<number> {
  if (!existsSync(o.state)) throw new UsageError(`--state ${o.state} does not exist`);
  const journal = fileJournal(o.state);
  const now = Date.now();
  const due = [...foldJournal(await journal.read()).values()].filter((s) =>
    s.plan !== undefined && retirementDue(s, now)
  );
  io.err(`rotate-finish: ${due.length} retirement step(s) due\n`);
  if (due.length === 0) {
    if (o.json) printJson(io, { command: "rotate-finish", total: 0 });
    return EXIT.ok;
  }
  if (!(await confirm(`deactivate or delete ${due.length} old token(s)?`, o, io))) {
    io.err("aborted: nothing changed\n");
    return EXIT.declined;
  }
  const self = session.selfTokenId?.toLowerCase();
  const job = finishRetirements(session.client, {
    journal,
    concurrency: o.concurrency,
    signal,
    ...(self ? { selfTokenId: self } : {}),
  });
  const counts = new Map<string, number>();
  job.results$.subscribe((r: BatchResult) => {
    const label = r.status === "succeeded" ? r.outcome ?? "succeeded" : r.status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  });
  const report = await job;
  const pending = await job.pending;
  io.err(`rotate-finish: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}\n`);
  for (const f of report.failures.slice(0, 10)) {
    io.err(`  failed ${f.key}: ${f.type ?? ""} ${f.statusCode ?? ""} ${f.message ?? ""}\n`);
  }
  if (pending > 0) {
    io.err(
      `${pending} rotation(s) were interrupted before delivery: finish them with rotate --resume\n`,
    );
  }
  if (o.json) printJson(io, { command: "rotate-finish", ...report, pending });
  return report.failed > 0 ? EXIT.failed : EXIT.ok;
}
