/**
 * rotateTokens against the embedded server over real sockets: 200 tokens across 4
 * instances under injected faults (ambiguous creates included), retired on a fake clock;
 * a failing sink; a preflight refusal; the journal lock; secrets counted everywhere.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createClient,
  LosantValidationError,
  onRequestEvent,
  onTokenEvent,
  withLogging,
} from "../mod.ts";
import {
  type BatchResult,
  fileJournal,
  finishRetirements,
  memoryJournal,
  memorySink,
  rotateToken,
  rotateTokens,
  RotationLockedError,
  RotationPreflightError,
} from "../src/batch/mod.ts";
import { allTokens, DAY, occurrences, seedRotatable } from "./support/rotation-fixture.ts";
import { fixture } from "./batch-fixture.ts";
import { createFakeClock } from "./support/fake-clock.ts";

test("200 tokens across 4 instances, faults and ambiguous creates: 200 live successors, old retired then deleted", async () => {
  const { server, accessToken, accessTokenId } = await fixture(4, 3);
  // The faults below are shared counters: on a loaded machine the 16 patch faults can all
  // land on one item's attempts, which the default 4 retries would not outlast. The test is
  // about the rotation's exactness under faults, not the retry budget: retries exceed them.
  const client = createClient({
    accessToken,
    url: server.url,
    retry: { retries: 20, minTimeout: 5, maxTimeout: 20 },
  });
  try {
    const items = seedRotatable(server, server.instanceIds, 50);
    const before = allTokens(server);
    const bystanders = [...before.values()].filter((t) =>
      !items.some((i) => i.apiTokenId === t.id)
    );
    const calendar = createFakeClock();
    const start = calendar.now();
    const sink = memorySink();
    const journal = memoryJournal();
    let armed = false;
    const job = rotateTokens(client, items, {
      sink,
      journal,
      expiresIn: 90 * DAY,
      graceMs: 7 * DAY,
      deleteAfterMs: 30 * DAY,
      clock: calendar,
      concurrency: 8,
      // Faults go in once preflight is done, so they hit the rotations themselves.
      onPhase() {
        if (armed) return;
        armed = true;
        server.faults.add({ action: "create", reset: "after", times: 12 }); // applied, answer lost
        server.faults.add({ action: "create", reset: "before", times: 6 });
        server.faults.add({ action: "create", status: 500, times: 6 }); // unknown outcome
        server.faults.add({ action: "create", status: 429, retryAfter: 0, times: 4 });
        server.faults.add({ action: "patch", status: 503, times: 10 });
        server.faults.add({ action: "patch", reset: "after", times: 6 });
        server.faults.add({ action: "list", status: 500, times: 3 });
        server.faults.add({ action: "delete", reset: "after", times: 4 });
      },
    });
    const results: BatchResult[] = [];
    job.results$.subscribe((r) => results.push(r));
    const report = await job;
    assert.is(report.total, 200);
    assert.is(report.failed, 0, JSON.stringify(report.failures.slice(0, 3)));
    assert.is(results.filter((r) => r.outcome === "rotated").length, 200);

    const check = (phase: string) => {
      const tokens = allTokens(server);
      for (const item of items) {
        const old = before.get(item.apiTokenId)!;
        const live = [...tokens.values()].filter((t) =>
          t.name === old.name && t.instanceId === item.instanceId
        );
        assert.is(live.length, 1, `${phase}: exactly one successor named ${old.name}`);
        const successor = live[0];
        assert.is(successor.status, "active");
        assert.equal(successor.scope, old.scope, "same scope");
        assert.is(successor.defaultRole, old.defaultRole);
        assert.equal(successor.orgRoles, old.orgRoles);
        assert.is(successor.description ?? "", old.description ?? "", "the mark is gone");
        assert.ok(Date.parse(successor.expirationDate!) > start + 80 * DAY, "the new expiry");
        const delivered = sink.secrets.get(`${item.instanceId}/${item.apiTokenId}`.toLowerCase());
        assert.ok(delivered, "a delivered secret");
        assert.is(server.store.findBySecret(delivered!.secret)?.token.id, successor.id);
      }
      for (const t of bystanders) {
        assert.equal(tokens.get(t.id), t, `${phase}: bystander ${t.name} untouched`);
      }
      // Nothing else: the olds, their successors, the bystanders and the access token.
      return tokens;
    };
    let tokens = check("after the run");
    for (const item of items) {
      const old = tokens.get(item.apiTokenId)!;
      assert.is(old.status, "active", "still in its grace period");
      assert.match(old.name, / \(retiring \d{4}-\d\d-\d\d\)$/);
    }
    assert.is(tokens.size, before.size + 200, "200 successors and no stray token");

    await calendar.advance(7 * DAY + 1);
    const retired = await finishRetirements(client, { journal, clock: calendar });
    assert.is(retired.succeeded, 200, JSON.stringify(retired.failures.slice(0, 3)));
    tokens = check("after the grace");
    for (const item of items) assert.is(tokens.get(item.apiTokenId)!.status, "inactive");

    await calendar.advance(30 * DAY + 1);
    const deleted = await finishRetirements(client, { journal, clock: calendar });
    assert.is(deleted.succeeded, 200);
    tokens = check("after the delete period");
    for (const item of items) assert.not.ok(tokens.has(item.apiTokenId), "old token deleted");
    assert.is(tokens.size, before.size, "200 deleted, 200 created");
    assert.ok(tokens.has(accessTokenId));
    const again = await finishRetirements(client, { journal, clock: calendar });
    assert.is(again.total, 0, "nothing left to do");
  } finally {
    await server.close();
  }
});

test("a failing sink: the successor is deleted, the old token untouched, the item failed", async () => {
  const { server, client } = await fixture(1, 0);
  try {
    const items = seedRotatable(server, server.instanceIds, 3);
    const before = allTokens(server);
    let seen: string | undefined;
    const sink = (d: { secret: string; oldTokenId: string }) => {
      seen = d.secret;
      if (d.oldTokenId === items[1].apiTokenId) {
        throw new Error(`vault refused ${d.secret}`);
      }
    };
    const report = await rotateTokens(client, items, { sink, expiresIn: DAY, keepResults: true });
    assert.is(report.succeeded, 2);
    assert.is(report.failed, 1);
    const failure = report.failures[0];
    assert.is(failure.key, `${server.instanceIds[0]}/${items[1].apiTokenId}`.toLowerCase());
    assert.is(failure.type, "SinkFailed");
    assert.match(failure.message!, /secret sink failed.*successor was deleted.*old token left/);
    assert.not.ok(JSON.stringify(report).includes(seen!), "the sink's own text is scrubbed");
    const after = allTokens(server);
    assert.equal(after.get(items[1].apiTokenId), before.get(items[1].apiTokenId), "untouched");
    const name = before.get(items[1].apiTokenId)!.name;
    assert.is([...after.values()].filter((t) => t.name === name).length, 1, "no successor left");
    assert.is(after.size, before.size + 2);
  } finally {
    await server.close();
  }
});

test("an access token without the create right is refused at preflight: nothing created", async () => {
  const { server } = await fixture(2, 0);
  try {
    const items = seedRotatable(server, server.instanceIds, 2);
    const before = allTokens(server);
    const weak = server.issueAccessToken(["all.Instance.read", "instanceApiToken.*"]);
    const client = createClient({ accessToken: weak.token, url: server.url, retry: false });
    server.clearRequests();
    const error = await rotateTokens(client, items, { sink: memorySink(), expiresIn: DAY }).then(
      () => assert.unreachable("ran"),
      (e) => e,
    );
    assert.instance(error, RotationPreflightError);
    assert.equal(
      error.missing.map((m: { rights: string[] }) => m.rights),
      [["create"], ["create"]],
    );
    assert.equal(allTokens(server).size, before.size + 1, "only the weak access token is new");
    assert.not.ok(server.requests.some((e) => e.status === 201), "no create succeeded");
    assert.not.ok(
      server.requests.some((e) =>
        e.method === "GET" && /tokens\/[0-9a-f]{24}$/.test(e.path) &&
        e.path.endsWith(items[0].apiTokenId)
      ),
      "no token was even read",
    );
  } finally {
    await server.close();
  }
});

test("two runs over the same journal file: the second is refused, the first finishes", async () => {
  const { server, client } = await fixture(1, 0);
  const dir = mkdtempSync(join(tmpdir(), "rotation-lock-"));
  try {
    const items = seedRotatable(server, server.instanceIds, 4);
    const path = join(dir, "state.ndjson");
    const options = { sink: memorySink(), expiresIn: DAY };
    const [first, second] = await Promise.allSettled([
      rotateTokens(client, items, { ...options, journal: fileJournal(path) }),
      rotateTokens(client, items, { ...options, journal: fileJournal(path) }),
    ]);
    const outcomes = [first, second].map((s) => s.status);
    assert.equal(outcomes.sort(), ["fulfilled", "rejected"]);
    const refused = [first, second].find((s) => s.status === "rejected") as PromiseRejectedResult;
    assert.instance(refused.reason, RotationLockedError);
    const done = [first, second].find((s) => s.status === "fulfilled") as PromiseFulfilledResult<
      { succeeded: number }
    >;
    assert.is(done.value.succeeded, 4);
    assert.is(allTokens(server).size, 4 + 4 + 1, "4 successors, not 8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test("rotations of same-named tokens at once, creates ambiguous: one successor each", async () => {
  const { server, client } = await fixture(1, 0);
  try {
    const instanceId = server.instanceIds[0];
    const twins = [1, 2, 3].map(() =>
      server.store.createToken(instanceId, { name: "shared", scope: ["all.Instance.read"] })
    );
    let armed = false;
    const report = await rotateTokens(
      client,
      twins.map((t) => ({ instanceId, apiTokenId: t.id })),
      {
        sink: memorySink(),
        expiresIn: DAY,
        concurrency: 3,
        onPhase() {
          if (!armed) server.faults.add({ action: "create", reset: "after", times: 3 });
          armed = true;
        },
      },
    );
    assert.is(report.succeeded, 3, JSON.stringify(report.failures));
    const named = [...allTokens(server).values()].filter((t) => t.name === "shared");
    assert.is(named.length, 3, "three successors, no orphan of the ambiguous creates");
    assert.ok(named.every((t) => !twins.some((o) => o.id === t.id)));
  } finally {
    await server.close();
  }
});

test("secrets counted in every output: events, request events, logs, results, report, journal", async () => {
  const { server, accessToken } = await fixture(2, 0);
  const dir = mkdtempSync(join(tmpdir(), "rotation-secrets-"));
  try {
    const lines: string[] = [];
    const log = (level: string) => (...args: unknown[]) => lines.push(level + JSON.stringify(args));
    const logger = {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
    };
    const client = withLogging(
      createClient({
        accessToken,
        url: server.url,
        retry: { minTimeout: 1, maxTimeout: 2 },
      }),
      logger,
    );
    const captured: unknown[] = [];
    onTokenEvent(client, (e) => void captured.push(e));
    onRequestEvent(client, (e) => void captured.push(e));
    const items = seedRotatable(server, server.instanceIds, 5);
    const path = join(dir, "state.ndjson");
    const sink = memorySink();
    let armed = false;
    const job = rotateTokens(client, items, {
      sink,
      journal: fileJournal(path),
      expiresIn: DAY,
      keepResults: true,
      includeTokens: true,
      onPhase() {
        if (!armed) server.faults.add({ action: "create", reset: "after", times: 2 });
        armed = true;
      },
    });
    job.results$.subscribe((r) => captured.push(r));
    const report = await job;
    assert.is(report.succeeded, 10);
    const text = [
      JSON.stringify(captured),
      JSON.stringify(report),
      lines.join("\n"),
      readFileSync(path, "utf8"),
    ].join("\n");
    const secrets = [...sink.secrets.values()].map((d) => d.secret);
    assert.is(secrets.length, 10);
    assert.ok(lines.length > 0 && captured.length > 0, "something was captured");
    assert.is(occurrences(text, accessToken), 0, "access token");
    for (const secret of secrets) assert.is(occurrences(text, secret), 0, "successor secret");
    // The secrets of the discarded ambiguous creates too: every token the server holds.
    for (const t of allTokens(server).values()) assert.is(occurrences(text, t.token), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test("rotateToken with a grace period: a later call with the same journal file retires it", async () => {
  const { server, client } = await fixture(1, 0);
  const dir = mkdtempSync(join(tmpdir(), "rotation-one-"));
  try {
    const [item] = seedRotatable(server, server.instanceIds, 1);
    const path = join(dir, "state.ndjson");
    const calendar = createFakeClock();
    const options = { sink: memorySink(), expiresIn: DAY, graceMs: 2 * DAY, clock: calendar };
    const first = await rotateToken(client, item, { ...options, journal: fileJournal(path) });
    assert.is(first.outcome, "rotated");
    assert.is(server.store.getToken(item.instanceId, item.apiTokenId)!.status, "active");
    // A new process: only the file carries over.
    const early = await rotateToken(client, item, { ...options, journal: fileJournal(path) });
    assert.is(early.outcome, "rotated");
    assert.is(early.successorId, first.successorId, "no second successor");
    await calendar.advance(2 * DAY + 1);
    const later = await rotateToken(client, item, { ...options, journal: fileJournal(path) });
    assert.is(later.outcome, "retired");
    assert.is(server.store.getToken(item.instanceId, item.apiTokenId)!.status, "inactive");
    assert.is(allTokens(server).size, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
});

test("bad rotation options are refused before anything is sent", async () => {
  const { server, client } = await fixture(1, 1);
  try {
    const instanceId = server.instanceIds[0];
    const apiTokenId = server.store.listTokens(instanceId)[0].id;
    const sink = memorySink();
    const cases: [Record<string, unknown>, string][] = [
      [{ sink }, "expiresIn"],
      [{ sink, expiresIn: DAY, neverExpires: true }, "expiresIn"],
      [{ sink, expiresIn: DAY, graceMS: 5 }, "graceMS"],
      [{ expiresIn: DAY }, "sink"],
      [{ sink, expirationDate: "2001-01-01T00:00:00Z" }, "expirationDate"],
      [{ sink, expiresIn: DAY, names: { successor: "x", retiring: "x" } }, "names"],
    ];
    for (const [options, field] of cases) {
      const error = await rotateToken(client, { instanceId, apiTokenId }, options as never).then(
        () => assert.unreachable(field),
        (e) => e,
      );
      assert.instance(error, LosantValidationError, field);
      assert.match(error.message, field);
      const batch = await rotateTokens(client, [{ instanceId, apiTokenId }], options as never)
        .then(() => assert.unreachable(field), (e) => e);
      assert.instance(batch, LosantValidationError, field);
    }
    assert.is(server.requests.length, 0);
  } finally {
    await server.close();
  }
});

test.run();
