/**
 * The defects of issue 12 that no other suite reproduced by name (docs/hostile-defects.md
 * lists every defect with its test): a batch item's odd `apiToken` silently replaced by the
 * job's defaults (class 2), the CLI's `-v` output against a server that echoes the access
 * token (class 3), a page-size cap under the CLI's bulk commands (class 8), and the embedded
 * server ignoring unknown query keys as the API does (class 1: strict inputs, loose API).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { patchTokens } from "../src/batch/mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { fixture } from "./batch-fixture.ts";
import { cli } from "./support/cli-io.ts";
import { runCli } from "./support/spawn-cli.ts";

const count = (text: string, needle: string): number => text.split(needle).length - 1;

test("patchTokens: an item's apiToken that is a string, an array or a Date fails that item; the job's defaults never replace it", async () => {
  const { server, client } = await fixture(1, 4);
  try {
    const [a] = server.instanceIds as [string];
    const ids = server.store.listTokens(a).map((t) => t.id);
    const before = ids.map((id) => JSON.stringify(server.store.getToken(a, id)));
    const items = [
      { instanceId: a, apiTokenId: ids[0]!, apiToken: "inactive" },
      { instanceId: a, apiTokenId: ids[1]!, apiToken: [] },
      { instanceId: a, apiTokenId: ids[2]!, apiToken: new Date(0) },
      { instanceId: a, apiTokenId: ids[3]! },
    ];
    const report = await patchTokens(client, items as never, {
      apiToken: { description: "from the defaults" },
      keepResults: true,
    });
    assert.is(report.total, 4);
    assert.is(report.failed, 3, JSON.stringify(report.failures));
    assert.equal(report.failures.map((r) => r.index).sort(), [0, 1, 2]);
    for (const r of report.failures) {
      assert.is(r.type, "LosantValidationError");
      assert.match(r.message!, /apiToken/);
      assert.not.match(r.message!, /inactive/, "the value is not quoted");
    }
    assert.is(report.succeeded, 1, "the item without its own patch takes the defaults");
    const patched = server.requests.filter((r) => r.method === "PATCH");
    assert.is(patched.length, 1, "nothing sent for the refused items");
    assert.ok(patched[0]!.path.endsWith(ids[3]!));
    for (const [i, id] of ids.slice(0, 3).entries()) {
      assert.is(JSON.stringify(server.store.getToken(a, id)), before[i], "refused items untouched");
    }
  } finally {
    await server.close();
  }
});

test("CLI -v against a server echoing Authorization and secrets: the access token occurs 0 times in its output", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 3 } });
  try {
    const accessToken = server.issueAccessToken(["all.Instance"]).token;
    const [instanceId] = server.instanceIds as [string];
    const env = { LOSANT_API_TOKEN: accessToken };
    const base = ["--url", server.url, "-v"];
    // A process of its own: -v's pino lines go to the real stderr.
    server.faults.add({ action: "list", echo: "both", status: 400 });
    const list = await runCli([...base, "list", "--instance", instanceId], { env });
    server.faults.add({ action: "patch", echo: "both", status: 500, times: 2 });
    const deactivate = await runCli(
      [...base, "deactivate", "--instance", instanceId, "--filter", "*", "--yes"],
      { env },
    );
    const output = [list, deactivate].map((r) => r.stdout + r.stderr).join("\n");
    assert.is(list.code, 1, list.stderr);
    assert.is(deactivate.code, 0, deactivate.stderr);
    assert.ok(count(output, '"level"') > 3, "-v logged the attempts");
    assert.ok(count(output, "Bearer [redacted]") >= 3, "the echo reached the output, scrubbed");
    assert.is(count(output, accessToken), 0, "the access token occurs in the CLI's output");
  } finally {
    await server.close();
  }
});

test("CLI deactivate on a server capping pages at 7: every token is listed and patched, no 'kept changing'", async () => {
  const server = await startFakeLosant({ seed: false, maxPerPage: 7 });
  try {
    const instanceId = server.store.createInstance().id;
    for (let i = 0; i < 30; i++) server.store.createToken(instanceId, { name: `ci-${i}` });
    const accessToken = server.issueAccessToken(["all.Instance"]).token;
    const run = await cli(
      ["--url", server.url, "deactivate", "--instance", instanceId, "--filter", "ci-*", "--yes"],
      { env: { LOSANT_API_TOKEN: accessToken } },
    );
    assert.is(run.code, 0, run.stderr);
    assert.not.match(run.stderr, /kept changing/);
    const active = server.store.listTokens(instanceId).filter((t) => t.status === "active");
    assert.is(active.length, 0, `${active.length} of 30 tokens left active`);
  } finally {
    await server.close();
  }
});

test("the embedded server ignores unknown query keys, as the API does", async () => {
  const server = await startFakeLosant({ seed: { instances: 1, tokensPerInstance: 2 } });
  try {
    const { token } = server.issueAccessToken(["all.Instance"]);
    const [instanceId] = server.instanceIds as [string];
    const res = await fetch(`${server.url}/instances/${instanceId}/tokens?fitler=x&_junk=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = await res.json() as { items: unknown[] };
    assert.is(res.status, 200);
    assert.is(page.items.length, 2, "the unknown key did not filter anything");
  } finally {
    await server.close();
  }
});

test.run();
