import { type ApiToken, withoutSecret } from "../../mod.ts";
import type { Io } from "./io.ts";

/**
 * Plain-text tables and token views. Column widths come from the data, as `kubectl get`
 * prints them; no colours, so output pastes cleanly into tickets.
 *
 * @example
 * io.out(table([["ID", "NAME"], [token.id, token.name ?? ""]]));
 */
export function table(raw: readonly (readonly string[])[]): string {
  const rows = raw.map((row) => row.map(printable));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")
    )
    .join("\n") + "\n";
}

// C0 controls (ESC starts every ANSI sequence), DEL, C1 controls (CSI is 0x9b), and the
// bidirectional overrides that make a name read differently from what it is.
// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the server (a token's name, a message) made safe to print: every control
 * character becomes a visible escape, so a name cannot move the cursor, recolour the
 * terminal or hide itself. JSON output needs no such care: JSON.stringify escapes them.
 *
 * @example
 * printable("ci-\u001b[31mred"); // "ci-\\x1b[31mred"
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

/** A token without its secret, for output: the API sends `token` only on create. */
export function publicToken(token: ApiToken): ApiToken {
  return withoutSecret(token);
}

const FIELDS: readonly (keyof ApiToken)[] = [
  "id",
  "name",
  "status",
  "description",
  "defaultRole",
  "scope",
  "expirationDate",
  "creationDate",
  "lastUpdated",
  "creatorName",
];

/** One token as `field: value` lines, for `get` and `patch`. */
export function describeToken(token: ApiToken): string {
  const rows = FIELDS.filter((f) => token[f] !== undefined).map((f) => {
    const value = token[f];
    return [`${f}:`, Array.isArray(value) ? value.join(", ") : String(value)];
  });
  return table(rows);
}

/** Tokens as a table with the columns an operator scans for: `list`. */
export function tokenTable(rows: readonly { instanceId: string; token: ApiToken }[]): string {
  const now = Date.now();
  return table([
    ["INSTANCE", "ID", "NAME", "STATUS", "EXPIRES"],
    ...rows.map(({ instanceId, token }) => [
      instanceId,
      token.id,
      token.name ?? "",
      token.status ?? "",
      expiry(token.expirationDate, now),
    ]),
  ]);
}

function expiry(date: string | undefined, now: number): string {
  if (date === undefined) return "never";
  const at = Date.parse(date);
  return `${date.slice(0, 10)}${at <= now ? " (expired)" : ""}`;
}

/** Writes one JSON document on stdout, for `--json`. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes one JSON line on stdout, for `--ndjson`. */
export function printNdjson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}

/** An error for a person: its message, and the request id to quote to support. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { statusCode?: number; requestId?: string };
  const status = e.statusCode === undefined ? "" : ` (HTTP ${e.statusCode})`;
  const request = e.requestId === undefined ? "" : ` [request ${e.requestId}]`;
  return printable(`${e.message}${status}${request}`);
}
