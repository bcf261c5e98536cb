import { htmlText } from "./html-text.ts";
import { reportModel } from "./order.ts";
import { timelineSvg } from "./timeline-svg.ts";
import type { AuditRecord, Severity } from "../types.ts";

// No script, no external anything: the policy forbids every fetch, so a report opened from
// a mail attachment makes no request and runs nothing, whatever a token's name holds.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.cards { display: flex; gap: 12px; } .card { border: 1px solid #ccc; border-radius: 6px; padding: 8px 14px; }
.card b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } tr.instance th { background: #e8eef7; }
td.name, td.message { word-break: break-word; white-space: pre-wrap; } code { font-size: 12px; }
.critical { color: #fff; background: #c62828; } .warning { background: #ffcc80; } .info { background: #e3f2fd; }
td.sev { font-weight: 600; } .unlisted { color: #b71c1c; font-weight: 600; }
`;

function sevCell(severity: Severity): string {
  return `<td class="sev ${severity}">${severity}</td>`;
}

/**
 * The audit as one self-contained HTML page (inline CSS and SVG, no script, no external
 * asset, a Content-Security-Policy that forbids loading anything): the totals, the
 * instances that could not be listed, the expiry timeline and the findings table, worst
 * instance first. Readable when mailed to someone.
 *
 * @example
 * await writeFile("report.html", auditHtml(records));
 */
export function auditHtml(records: readonly AuditRecord[]): string {
  const { groups, summary } = reportModel(records);
  const out: string[] = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Token audit${summary ? ` ${summary.auditedAt.slice(0, 10)}` : ""}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>Losant API token audit</h1>`,
  ];
  if (summary) {
    const s = summary.bySeverity;
    out.push(
      `<p>Audited at ${
        htmlText(summary.auditedAt)
      }: ${summary.tokens} token(s) in ${summary.instances} instance(s).</p>`,
      '<div class="cards">',
      `<div class="card critical"><b id="count-critical">${s.critical}</b>critical</div>`,
      `<div class="card warning"><b id="count-warning">${s.warning}</b>warning</div>`,
      `<div class="card info"><b id="count-info">${s.info}</b>info</div>`,
      `<div class="card"><b id="count-unlisted">${summary.unlisted.length}</b>not listed</div>`,
      "</div>",
      "<h2>Expiry timeline</h2>",
      timelineSvg(summary.timeline),
    );
  }
  const unlisted = groups.filter((g) => g.unlisted);
  if (unlisted.length) {
    out.push("<h2>Not listed, not audited</h2><ul>");
    for (const g of unlisted) {
      out.push(
        `<li class="unlisted"><code>${g.instanceId}</code>: ${
          htmlText(g.unlisted!.reason, 300)
        }</li>`,
      );
    }
    out.push("</ul>");
  }
  out.push(
    "<h2>Findings</h2>",
    '<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Token</th><th>Id</th><th>Finding</th></tr></thead>',
  );
  for (const g of groups) {
    if (g.unlisted || g.findings.length === 0) continue;
    out.push(
      `<tbody><tr class="instance"><th colspan="5">instance <code>${g.instanceId}</code>: ${g.findings.length} finding(s)</th></tr>`,
    );
    for (const f of g.findings) {
      out.push(
        `<tr class="finding">${sevCell(f.severity)}<td>${htmlText(f.rule)}</td><td class="name">${
          htmlText(f.name)
        }</td><td><code>${f.apiTokenId}</code></td><td class="message">${
          htmlText(f.message)
        }</td></tr>`,
      );
    }
    out.push("</tbody>");
  }
  out.push("</table>", "</body></html>");
  return out.join("\n") + "\n";
}
