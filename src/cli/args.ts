import { readFile } from "node:fs/promises";
import { InvalidArgumentError } from "commander";
import * as v from "valibot";
import { IdSchema } from "../../mod.ts";
import { UsageError } from "./exit-codes.ts";
import { printable } from "./output.ts";

/** Whether `value` is a Losant id (24 hex digits): the library's one definition. */
export function isId(value: unknown): value is string {
  return v.is(IdSchema, value);
}

/**
 * commander's collector for a repeatable option (`--instance a --instance b`).
 *
 * @example
 * cmd.option("--instance <id>", "an instance (repeatable)", collect, []);
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * commander's parser for a positive integer option such as `--concurrency`.
 *
 * @example
 * cmd.option("--concurrency <n>", "calls at a time", positiveInt, 4);
 */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

/**
 * commander's parser for a positive number option such as `--rate-per-instance 0.5`.
 *
 * @example
 * cmd.option("--rate-per-instance <n>", "calls per second", positiveNumber);
 */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || value.trim() === "") {
    throw new InvalidArgumentError("must be a number above 0");
  }
  return n;
}

/**
 * commander's parser for a 24-hex-digit id.
 *
 * @example
 * cmd.option("--instance <id>", "the instance", id);
 */
export function id(value: string): string {
  if (!isId(value)) throw new InvalidArgumentError("must be a 24 hex digit id");
  return value;
}

/** Throws a UsageError naming the first argument that is not an id. */
export function checkIds(values: readonly string[], what: string): string[] {
  for (const value of values) {
    if (!isId(value)) {
      throw new UsageError(`${what} "${printable(value)}" is not a 24 hex digit id`);
    }
  }
  return [...values];
}

/**
 * The instances to work on: `--instance` (repeated) and the lines of `--instances-file`
 * (blank lines and `#` comments ignored), deduplicated in order; the embedded server's
 * instances when neither is given and `fallback` is.
 *
 * @example
 * await resolveInstances({ instance: ["5f..."], instancesFile: "prod.txt" });
 */
export async function resolveInstances(
  options: { instance?: string[]; instancesFile?: string },
  fallback?: readonly string[],
): Promise<string[]> {
  const ids = [...(options.instance ?? [])];
  if (options.instancesFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.instancesFile, "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read --instances-file ${options.instancesFile}: ${(error as Error).message}`,
      );
    }
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.replace(/#.*/, "").trim();
      if (trimmed !== "") ids.push(trimmed);
    }
  }
  if (ids.length === 0 && fallback !== undefined) ids.push(...fallback);
  if (ids.length === 0) {
    throw new UsageError(
      "no instance given: pass --instance <id> (repeatable) or --instances-file",
    );
  }
  checkIds(ids, "instance");
  const seen = new Set<string>();
  return ids.filter((i) => {
    const key = i.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The one instance a single-token command acts on. */
export async function oneInstance(
  options: { instance?: string[]; instancesFile?: string },
  fallback?: readonly string[],
): Promise<string> {
  const explicit = options.instance?.length || options.instancesFile !== undefined;
  const ids = await resolveInstances(options, explicit ? undefined : fallback?.slice(0, 1));
  if (ids.length !== 1) {
    throw new UsageError("this command acts on one instance: pass one --instance");
  }
  return ids[0];
}
