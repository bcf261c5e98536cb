/**
 * createToken against the embedded server over real sockets: the secret comes back once,
 * bad input is refused before anything is sent, an ambiguous failure is never resent, and
 * reconcileCreate finds exactly the token an attempt made, even beside a same-named twin.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createToken, LosantValidationError } from "../mod.ts";
import { markDescription, newNonce, reconcileCreate } from "../src/batch/mod.ts";
import { startFixture } from "./support/fixture.ts";

const posts = (entries: readonly { method: string }[]) =>
  entries.filter((e) => e.method === "POST").length;

test("createToken resolves the new token with its secret, which authenticates as it", async () => {
  const { server, client, instanceId } = await startFixture();
  try {
    const expirationDate = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createToken(client, {
      instanceId,
      apiToken: { name: "ci-reader", scope: ["all.Instance.read"], expirationDate },
    });
    assert.type(created.token, "string");
    assert.is(created.name, "ci-reader");
    assert.equal(created.scope, ["all.Instance.read"]);
    assert.is(server.store.findBySecret(created.token)?.token.id, created.id);
    const sent = server.requests.find((e) => e.method === "POST")!;
    assert.equal(sent.body, { name: "ci-reader", scope: ["all.Instance.read"], expirationDate });
    assert.is(sent.status, 201);
  } finally {
    await server.close();
  }
});

test("createToken refuses bad input before sending, naming the field and not the value", async () => {
  const { server, client, instanceId } = await startFixture();
  try {
    const cases: [unknown, string][] = [
      [
        { instanceId, apiToken: { name: "x", scope: ["all.Instance"], colour: "crimson" } },
        "colour",
      ],
      [{ instanceId, apiToken: { name: "x" } }, "scope"],
      [{ instanceId, apiToken: { name: "x", scope: ["secret-sauce.*"] } }, "scope"],
      [{ instanceId, apiToken: { name: "x", scope: ["all.Instance", "all.Instance"] } }, "scope"],
      [{ instanceId, apiToken: { name: "", scope: [] } }, "name"],
      [
        { instanceId, apiToken: { name: "x", scope: [], expirationDate: "soon" } },
        "expirationDate",
      ],
      [{ instanceId: "nope", apiToken: { name: "x", scope: [] } }, "instanceId"],
      [{ instanceId, apiToken: { name: "x", scope: [] }, dryRun: true }, "dryRun"],
    ];
    for (const [params, field] of cases) {
      const error = await createToken(client, params as never).then(
        () => assert.unreachable(`accepted ${field}`),
        (e) => e,
      );
      assert.instance(error, LosantValidationError, field);
      assert.match(error.message, field);
      assert.not.match(error.message, /secret-sauce|soon|nope|crimson/);
    }
    assert.is(server.requests.length, 0, "nothing was sent");
  } finally {
    await server.close();
  }
});

test("a create whose answer is lost is not resent; reconcileCreate finds the token it made", async () => {
  const { server, client, instanceId } = await startFixture({ retry: { minTimeout: 1 } });
  try {
    const before = server.store.listTokens(instanceId).length;
    const nonce = newNonce();
    server.faults.add({ action: "create", reset: "after" });
    const error = await createToken(client, {
      instanceId,
      apiToken: {
        name: "svc",
        scope: ["all.Instance.read"],
        description: markDescription("d", nonce),
      },
    }).then(() => assert.unreachable("resolved"), (e) => e);
    assert.instance(error, Error);
    assert.is(posts(server.requests), 1, "one POST, never resent");
    assert.is(server.store.listTokens(instanceId).length, before + 1, "it was applied");
    const found = await reconcileCreate(client, { instanceId, name: "svc", nonce });
    assert.is(found.status, "created");
    if (found.status === "created") {
      assert.is(found.tokens.length, 1);
      assert.is(found.tokens[0].token, undefined, "the secret is lost: the API never resends it");
    }
    const other = await reconcileCreate(client, { instanceId, name: "svc", nonce: newNonce() });
    assert.is(other.status, "absent");
  } finally {
    await server.close();
  }
});

test("a 5xx on a create is not retried either (it may have been applied)", async () => {
  const { server, client, instanceId } = await startFixture({ retry: { minTimeout: 1 } });
  try {
    server.faults.add({ action: "create", status: 502 });
    await createToken(client, { instanceId, apiToken: { name: "svc", scope: [] } }).then(
      () => assert.unreachable("resolved"),
      () => {},
    );
    assert.is(posts(server.requests), 1);
  } finally {
    await server.close();
  }
});

test("two same-named creates at once: each reconcile finds only its own token", async () => {
  const { server, client, instanceId } = await startFixture({ retry: { minTimeout: 1 } });
  try {
    const nonces = [newNonce(), newNonce()];
    server.faults.add({ action: "create", reset: "after", times: 2 });
    await Promise.allSettled(nonces.map((nonce) =>
      createToken(client, {
        instanceId,
        apiToken: { name: "twin", scope: [], description: markDescription(undefined, nonce) },
      })
    ));
    const found = await Promise.all(
      nonces.map((nonce) => reconcileCreate(client, { instanceId, name: "twin", nonce })),
    );
    const ids = found.map((f) => f.status === "created" ? f.tokens.map((t) => t.id) : []);
    assert.is(ids[0].length, 1);
    assert.is(ids[1].length, 1);
    assert.is.not(ids[0][0], ids[1][0]);
  } finally {
    await server.close();
  }
});

test.run();
