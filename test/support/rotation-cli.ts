/** Shared setup of the rotate CLI suites: a server in the test process, seeds and checks. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { type FakeLosant, startFakeLosant } from "../../src/testing/mod.ts";
import { allTokens, occurrences } from "./rotation-fixture.ts";

/** The server, access token and scratch directory a rotate CLI suite shares. */
export interface RotateCliSuite {
  server: FakeLosant;
  accessToken: string;
  dir: string;
  env: Record<string, string>;
  instances: string[];
}

export const suite = {} as RotateCliSuite;

/** Starts the suite's server (call from test.before). */
export async function startSuite(): Promise<void> {
  suite.server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 2 } });
  suite.accessToken = suite.server.issueAccessToken(["all.Instance"]).token;
  suite.env = { LOSANT_API_TOKEN: suite.accessToken };
  suite.instances = suite.server.instanceIds;
  suite.dir = mkdtempSync(join(tmpdir(), "rotate-cli-"));
}

/** Stops it (call from test.after). */
export async function stopSuite(): Promise<void> {
  rmSync(suite.dir, { recursive: true, force: true });
  await suite.server.close();
}

/** `n` tokens per instance named `${prefix}<i>`, with roles and scope to copy. */
export function seed(prefix: string, n: number) {
  const olds = suite.instances.flatMap((instanceId) =>
    Array.from({ length: n }, (_, i) => ({
      instanceId,
      ...suite.server.store.createToken(instanceId, {
        name: `${prefix}${i}`,
        scope: ["all.Instance.read", "data.*"],
        defaultRole: "view",
        description: `${prefix} service`,
      }),
    }))
  );
  return olds;
}

export function args(prefix: string, extra: string[] = []): string[] {
  return [
    "--url",
    suite.server.url,
    "-v",
    "rotate",
    ...suite.instances.flatMap((i) => ["--instance", i]),
    "--filter",
    `${prefix}*`,
    "--expires-in",
    "30d",
    "--secrets-dir",
    join(suite.dir, prefix, "secrets"),
    "--state",
    join(suite.dir, prefix, "state.ndjson"),
    "--results-file",
    join(suite.dir, prefix, "results.ndjson"),
    "--concurrency",
    "1",
    "--yes",
    ...extra,
  ];
}

/** Checks the end state of a rotation of `olds` and returns every output text. */
export function checkEndState(
  prefix: string,
  olds: { id: string; name: string; instanceId: string }[],
  label: string,
) {
  const tokens = allTokens(suite.server);
  for (const old of olds) {
    const live = [...tokens.values()].filter((t) =>
      t.name === old.name && t.instanceId === old.instanceId
    );
    assert.is(live.length, 1, `${label}: one live successor for ${old.name}`);
    assert.is(live[0].status, "active");
    assert.equal(live[0].scope, ["all.Instance.read", "data.*"]);
    assert.is(live[0].defaultRole, "view");
    assert.is(live[0].description, `${prefix} service`, `${label}: the mark is gone`);
    const instanceId = live[0].instanceId;
    const file = join(suite.dir, prefix, "secrets", `${instanceId}-${old.id}.token`);
    assert.is((statSync(file).mode & 0o777).toString(8), "600");
    const secret = readFileSync(file, "utf8").trim();
    assert.is(
      suite.server.store.findBySecret(secret)?.token.id,
      live[0].id,
      `${label}: file is live`,
    );
    const retired = tokens.get(old.id)!;
    assert.is(retired.status, "inactive", `${label}: old token retired`);
    assert.match(retired.name, /\(retiring \d{4}-\d\d-\d\d\)$/);
  }
  const marked = [...tokens.values()].filter((t) =>
    /losant-tokens rotation/.test(t.description ?? "")
  );
  assert.is(marked.length, 0, `${label}: no successor whose secret nobody has`);
  const prefixed = [...tokens.values()].filter((t) => t.name.startsWith(prefix));
  assert.is(prefixed.length, olds.length * 2, `${label}: each old token and one successor`);
}

export function countSecrets(texts: string[], label: string): void {
  const all = texts.join("\n");
  assert.is(occurrences(all, suite.accessToken), 0, `${label}: access token`);
  for (const t of allTokens(suite.server).values()) {
    assert.is(occurrences(all, t.token), 0, `${label}: secret of ${t.name}`);
  }
}
