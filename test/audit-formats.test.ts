/**
 * Every audit output format parsed back (CSV by a CSV parser, Markdown by a Markdown
 * parser, JSON and NDJSON by the record schemas, HTML by its cells), and hostile token
 * names (server text: up to 255 characters of anything) shown as plain text in each.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseCsv } from "csv-parse/sync";
import { marked } from "marked";
import { checkToken } from "../src/audit/evaluate.ts";
import { resolvePolicy } from "../src/audit/policy.ts";
import { createSummaryTally } from "../src/audit/summary.ts";
import {
  auditCsv,
  auditHtml,
  auditJson,
  auditMarkdown,
  auditNdjsonLine,
  type AuditRecord,
  auditTable,
  parseAuditRecord,
} from "../src/audit/mod.ts";
import { plainText } from "../src/audit/formats/plain-text.ts";
import type { ApiToken } from "../mod.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const INSTANCE = "5e9b2f000000000000000001";

/** Names a server may send, each meant to escape the text it is put in. */
const HOSTILE: Record<string, string> = {
  "an HTML script": `<script>alert("x")</script><img src=x onerror=alert(1)>`,
  "a spreadsheet formula (=)": `=HYPERLINK("http://evil.example","click")`,
  "a spreadsheet formula (+)": "+1+cmd|' /C calc'!A0",
  "a spreadsheet formula (- and @)": "-2+3 @SUM(A1:A9)",
  "Markdown table pipes": "a | b | c",
  "Markdown backticks and links": "``code`` [link](http://evil.example) **bold** <b>x</b>",
  "ANSI escapes": "\u001b[31mred\u001b[0m \u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007",
  "control characters": "line1\r\nline2\tTAB\u0000NUL\u0008BS\u009bC1",
  "bidi overrides": "invoice\u202egpj.exe\u2066x\u2069",
};

function recordsFor(names: string[]): AuditRecord[] {
  const tokens: ApiToken[] = names.map((name, i) => ({
    id: `5f00000000000000000000${String(i).padStart(2, "0")}`,
    name,
    status: "active",
    creationDate: "2026-11-20T00:00:00Z",
    lastUpdated: "2026-11-20T00:00:00Z",
    expirationDate: "2026-12-03T00:00:00Z",
    scope: ["instanceApiTokens.post"],
  }));
  const listing = { instanceId: INSTANCE, tokens };
  const policy = resolvePolicy({});
  const tally = createSummaryTally(NOW);
  tally.instance(INSTANCE, tokens.length, 1);
  const records: AuditRecord[] = [];
  for (const t of tokens) {
    tally.expiry(Date.parse(t.expirationDate!));
    for (const f of checkToken(policy, t, listing, NOW).findings) {
      tally.finding(f);
      records.push(f);
    }
  }
  const unlisted = {
    kind: "unlisted" as const,
    instanceId: "5e9b2f000000000000000002",
    reason: "Forbidden \u001b[2J<b>",
    statusCode: 403,
    type: "Forbidden",
  };
  tally.unlisted(unlisted);
  records.push(unlisted);
  records.push(tally.summary({ active: 0, expired: 0, unused: 0 }));
  return records;
}

// deno-lint-ignore no-control-regex
const RAW_INVISIBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const decode = (html: string) =>
  html.replace(/<[^>]*>/g, "").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const findingsOf = (records: AuditRecord[]) => records.filter((r) => r.kind === "finding");

test("each format parses back to the findings", () => {
  const records = recordsFor(["alpha", "beta"]);
  const findings = findingsOf(records);
  assert.is(findings.length, 6, "no-description, expiring-soon and can-mint for each");

  const doc = JSON.parse(auditJson(records));
  assert.equal(doc.findings.map(parseAuditRecord), findings);
  assert.equal(parseAuditRecord(doc.summary), records.at(-1));
  assert.equal(doc.unlisted.map(parseAuditRecord), [records.at(-2)]);

  const lines = records.map(auditNdjsonLine).join("").trimEnd().split("\n");
  assert.equal(lines.map((l) => parseAuditRecord(JSON.parse(l))), records);

  const rows = parseCsv(auditCsv(records), { columns: true }) as Record<string, string>[];
  assert.equal(
    rows.filter((r) => r.kind === "finding").map((r) => [r.apiTokenId, r.rule, r.severity, r.name]),
    findings.map((f) => [f.apiTokenId, f.rule, f.severity, f.name]),
  );
  assert.equal(rows.filter((r) => r.kind === "unlisted").map((r) => r.instanceId), [
    "5e9b2f000000000000000002",
  ]);

  const table = marked.lexer(auditMarkdown(records)).find((t) => t.type === "table") as unknown as {
    header: unknown[];
    rows: { text: string }[][];
  };
  assert.is(table.header.length, 6);
  assert.equal(
    table.rows.map((r) => r.map((c) => decode(marked.parseInline(c.text) as string)))
      .map((r) => `${r[3]}/${r[4]}/${r[0]}`).sort(),
    findings.map((f) => `${f.apiTokenId}/${f.rule}/${f.severity}`).sort(),
  );
  assert.equal(
    table.rows.map((r) => r[0].text).slice(0, 2),
    ["critical", "critical"],
    "worst first",
  );
  assert.equal(
    new Set(table.rows.map((r) => r[3].text)),
    new Set(findings.map((f) => f.apiTokenId)),
  );

  const html = auditHtml(records);
  const cells = [...html.matchAll(/<tr class="finding">(.*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => decode(c[1]))
  );
  assert.is(cells.length, findings.length);
  assert.equal(
    new Set(cells.map((c) => `${c[3]}/${c[1]}`)),
    new Set(findings.map((f) => `${f.apiTokenId}/${f.rule}`)),
  );
  assert.match(html, /<svg[^>]*id="timeline"/);
  assert.not.match(
    html,
    /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/,
    "no script, no external URL",
  );

  const text = auditTable(records);
  assert.match(text, /instance 5e9b2f000000000000000002: NOT LISTED/);
  for (const f of findings) assert.ok(text.includes(f.apiTokenId));
});

for (const [label, name] of Object.entries(HOSTILE)) {
  const shown = plainText(name);

  test(`${label}: plain text in the terminal table`, () => {
    const text = auditTable(recordsFor([name]));
    assert.not.match(text, RAW_INVISIBLE);
    assert.ok(text.includes(plainText(name, 40)), "the name, escaped, cut to the column");
    // One line per finding: the name cannot add a line.
    assert.is(text.split("\n").filter((l) => l.includes("5f0000000000000000000000")).length, 3);
  });

  test(`${label}: plain text in CSV, never a formula`, () => {
    const rows = parseCsv(auditCsv(recordsFor([name])), { columns: true }) as Record<
      string,
      string
    >[];
    const findings = rows.filter((r) => r.kind === "finding");
    assert.is(findings.length, 3);
    for (const row of rows) {
      for (const cell of Object.values(row)) {
        assert.not.match(cell, /^[=+\-@]/, `a cell a spreadsheet would evaluate: ${cell}`);
        assert.not.match(cell, RAW_INVISIBLE);
      }
    }
    const expected = /^[=+\-@]/.test(shown) ? `'${shown}` : shown;
    for (const row of findings) assert.is(row.name, expected);
  });

  test(`${label}: plain text in Markdown`, () => {
    const md = auditMarkdown(recordsFor([name]));
    assert.not.match(md, RAW_INVISIBLE);
    const table = marked.lexer(md).find((t) => t.type === "table") as unknown as {
      rows: { text: string }[][];
    };
    assert.is(table.rows.length, 3, "the name cannot add or split rows");
    for (const row of table.rows) {
      assert.is(row.length, 6, "the name cannot add cells");
      assert.is(decode(marked.parseInline(row[2].text) as string), shown);
    }
    const html = (marked.parse(md) as string).match(/<table>[\s\S]*<\/table>/)![0];
    assert.not.match(html, /<(script|img|b|code|a|strong)\b/, "no markup from a name");
  });

  test(`${label}: plain text in HTML`, () => {
    const html = auditHtml(recordsFor([name]));
    assert.not.match(html, RAW_INVISIBLE);
    assert.not.match(html, /<script|<img|<b>/);
    const names = [...html.matchAll(/<td class="name">(.*?)<\/td>/g)].map((m) => m[1]);
    assert.is(names.length, 3);
    for (const n of names) {
      assert.not.match(n, /[<>"']/);
      assert.is(decode(n), shown);
    }
  });

  test(`${label}: exact in JSON and NDJSON, with nothing raw a terminal would act on`, () => {
    const records = recordsFor([name]);
    const json = auditJson(records);
    const ndjson = records.map(auditNdjsonLine).join("");
    for (const text of [json, ndjson]) {
      assert.not.match(text, RAW_INVISIBLE);
      assert.not.match(text, /[<>]/);
    }
    assert.ok(
      JSON.parse(json).findings.every((f: { name: string }) => f.name === name),
      "JSON keeps the exact name",
    );
    const lines = ndjson.trimEnd().split("\n").map((l) => parseAuditRecord(JSON.parse(l)));
    assert.is(lines.length, records.length);
    assert.ok(
      lines.filter((r) => r.kind === "finding").every((f) =>
        f.kind === "finding" && f.name === name
      ),
    );
  });
}

test.run();
