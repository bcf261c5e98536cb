import { VERSION } from "../../../../mod.ts";
import { UsageError } from "../../exit-codes.ts";
import { printable } from "../../output.ts";

/**
 * The first line each run writes into its results file: which command, on which instances,
 * with which selection and change. `--resume` compares it with the command being run, so a
 * deactivate run's file can never make a delete skip its tokens. The library's
 * `readResults` ignores the line (it has no `key`), so the file stays a plain results file
 * for `deleteTokens({ resume })` too.
 */
export interface RunRecord {
  readonly command: string;
  /** Lowercased and sorted: the order instances were given in does not matter. */
  readonly instances: readonly string[];
  /** The selection and the change, as given (undefined ones left out). */
  readonly params: Readonly<Record<string, string | boolean | readonly string[]>>;
}

/** The line as written: `{"run":{...}}`. */
export function recordLine(record: RunRecord): string {
  const line = { run: { ...record, cli: VERSION, startedAt: new Date().toISOString() } };
  return `${JSON.stringify(line)}\n`;
}

/** The record a line holds, or undefined when it is a result (or not JSON at all). */
export function parseRecord(line: string): RunRecord | undefined {
  if (!line.startsWith('{"run":')) return undefined;
  try {
    const run = (JSON.parse(line) as { run?: Partial<RunRecord> }).run;
    if (typeof run?.command !== "string" || !Array.isArray(run.instances)) return undefined;
    return { command: run.command, instances: run.instances, params: run.params ?? {} };
  } catch {
    return undefined;
  }
}

/** The record for a run, from its command, instances and selection. */
export function runRecord(
  command: string,
  instances: readonly string[],
  params: Record<string, string | boolean | readonly string[] | undefined>,
): RunRecord {
  const kept: Record<string, string | boolean | readonly string[]> = {};
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value !== undefined && value !== false) kept[key] = value;
  }
  return {
    command,
    instances: [...new Set(instances.map((i) => i.toLowerCase()))].sort(),
    params: kept,
  };
}

function identity(record: RunRecord): string {
  const params = Object.fromEntries(
    Object.entries(record.params).sort(([a], [b]) => a < b ? -1 : 1),
  );
  return JSON.stringify([record.command, [...record.instances].sort(), params]);
}

/** The record as the command line that would write it, for messages. */
export function describeRecord(record: RunRecord): string {
  const parts = [record.command];
  for (const [key, value] of Object.entries(record.params)) {
    if (key === "ids") parts.push(...(value as string[]));
    else if (value === true) parts.push(`--${key}`);
    else parts.push(`--${key} '${value}'`);
  }
  parts.push(`on ${record.instances.length} instance(s)`);
  return printable(parts.join(" "));
}

/** What a results file holds: its runs' records and its result lines. */
export interface ResultsFileContent {
  readonly records: readonly RunRecord[];
  /** Result lines came before any record: the file predates records (losant-tokens 0.1). */
  readonly unrecorded: boolean;
  /** Lines that are not records, for the library's readResults. */
  readonly text: string;
}

/** Splits a results file's text into records and result lines. */
export function splitResultsFile(content: string): ResultsFileContent {
  const records: RunRecord[] = [];
  const rest: string[] = [];
  let unrecorded = false;
  for (const raw of content.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const record = parseRecord(line);
    if (record !== undefined) records.push(record);
    else {
      if (records.length === 0) unrecorded = true;
      rest.push(line);
    }
  }
  return { records, unrecorded, text: rest.join("\n") };
}

/**
 * Refuses (exit 2) a results file that another command wrote, or one without records,
 * before anything is sent. `role` is the flag that named the file.
 */
export function checkRecords(
  content: ResultsFileContent,
  expected: RunRecord,
  file: string,
  role: "--resume" | "--results-file",
): void {
  const shown = printable(file);
  if (content.unrecorded) {
    throw new UsageError(
      `${role} ${shown} does not say which command wrote it (a results file from before ` +
        "losant-tokens 0.2), so it cannot be checked against this one: finish that run with " +
        "the version that wrote it, or start afresh without --resume and with a new " +
        "--results-file (docs/cli.md, Resume)",
    );
  }
  const want = identity(expected);
  const other = content.records.find((r) => identity(r) !== want);
  if (other !== undefined) {
    throw new UsageError(
      `${role} ${shown} was written by \`${describeRecord(other)}\`, not by this ` +
        `\`${describeRecord(expected)}\`: ${
          role === "--resume"
            ? "resume with the same command, instances and selection"
            : "choose another --results-file"
        }`,
    );
  }
}
