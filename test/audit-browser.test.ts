/**
 * The HTML audit report opened in a real headless browser (Debian's chromium, driven by
 * playwright-core): the findings table and the SVG timeline render, the page logs no
 * console error and makes no network request. A missing browser fails, never skips. The
 * browser runs once, on Node 20; the other runtimes check the same page's markup for anything
 * that could load from elsewhere.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { createClient } from "../mod.ts";
import { auditHtml, type AuditRecord, auditTokens } from "../src/audit/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Once per run: on the default runtime, Node 20 (the suite also runs Node 22 and 24).
const onNode = !("Deno" in globalThis) && !("Bun" in globalThis) &&
  (process.versions.node.split(".")[0] === "20" || process.env.AUDIT_BROWSER === "1");

async function report(): Promise<{ html: string; findings: number }> {
  const server = await startFakeLosant({
    seed: { instances: 2, tokensPerInstance: 25, random: 7, auditCases: true },
  });
  try {
    const client = createClient({
      accessToken: server.issueAccessToken(["all.Instance"]).token,
      url: server.url,
    });
    const records: AuditRecord[] = [];
    for await (
      const r of auditTokens(client, {
        instanceIds: [...server.instanceIds, "aaaaaaaaaaaaaaaaaaaaaaaa"],
      })
    ) records.push(r);
    return {
      html: auditHtml(records),
      findings: records.filter((r) => r.kind === "finding").length,
    };
  } finally {
    await server.close();
  }
}

if (onNode) {
  test("chromium renders the report's table and timeline, with no console error and no request", async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`,
    );
    const { chromium } = await import("playwright-core");
    const dir = mkdtempSync(join(tmpdir(), "losant-audit-browser-"));
    const { html, findings } = await report();
    const file = join(dir, "report.html");
    writeFileSync(file, html);
    // A fresh profile of its own (playwright takes it as the persistent context's dir).
    const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = browser.pages()[0] ?? await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on(
        "console",
        (m) =>
          (m.type() === "error" || m.type() === "warning") &&
          problems.push(`${m.type()}: ${m.text()}`),
      );
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      page.on("dialog", (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

      assert.is(await page.locator("tr.finding").count(), findings);
      const table = await page.locator("#findings").boundingBox();
      assert.ok(
        table && table.width > 500 && table.height > 200,
        `table box ${JSON.stringify(table)}`,
      );
      const bars = page.locator("#timeline rect.week");
      assert.is(await bars.count(), 30);
      const svg = await page.locator("#timeline").boundingBox();
      assert.ok(svg && svg.width > 400 && svg.height > 100, `timeline box ${JSON.stringify(svg)}`);
      const drawn = await page.$$eval(
        "#timeline rect.week",
        (rects) => rects.filter((r) => (r as SVGRectElement).getBBox().height > 0).length,
      );
      assert.ok(drawn > 0, "some week has a bar");
      // The hostile seeded name is text on the page, not markup that ran.
      const names = await page.locator("td.name").allTextContents();
      assert.ok(names.includes("=1+1 <script>alert('audit')</script> | `tick`"));
      assert.is(await page.locator("script").count(), 0);
      assert.match(await page.locator("li.unlisted").innerText(), /aaaaaaaaaaaaaaaaaaaaaaaa/);

      const shot = process.env.AUDIT_SCREENSHOT ?? join(dir, "report.png");
      await page.screenshot({ path: shot, fullPage: false });
      assert.ok(existsSync(shot));
      assert.equal(problems, [], "no console errors");
      assert.equal(requests, [], "no network requests");
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  test("the report links, loads and runs nothing (the browser runs on Node 20)", async () => {
    const { html } = await report();
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.not.match(html, /<script|<link|<iframe|<object|<embed|<img|src=|href=|url\(/i);
    assert.match(html, /<svg[^>]*id="timeline"/);
  });
}

test.run();
