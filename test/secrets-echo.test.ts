import { test } from "uvu";
import * as assert from "uvu/assert";
import { inspect } from "node:util";
import pino from "pino";
import {
  createClient,
  deleteToken,
  getToken,
  listTokens,
  onRequestEvent,
  onTokenEvent,
  patchToken,
  withLogging,
} from "../mod.ts";
import { startFakeLosant } from "../src/testing/mod.ts";
import { deleteTokens, patchTokens } from "../src/batch/mod.ts";
import { createScrubber } from "../src/scrub.ts";

// Issue 12 item 3: server text is untrusted. A server that echoes the Authorization header
// and every secret it knows into its error bodies must not get any of them into an error, a
// log record, an event, a batch result or a report.

/** How often `needle` occurs in `haystack`. */
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

test("a server echoing Authorization and secrets into error bodies: 0 occurrences anywhere", async () => {
  const server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 5 } });
  try {
    const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
    const [a, b] = server.instanceIds;
    const tokens = [a, b].flatMap((id) => server.store.listTokens(id));
    const secrets = tokens.map((t) => t.token);
    // 200s carry every token's secret (so the client has seen them); every error echoes the
    // Authorization header, the raw access token and the secrets, in the message and type.
    const echoing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const authorization = request.headers.get("authorization") ?? "";
      const response = await fetch(request);
      const text = await response.text();
      const body = text === "" ? undefined : JSON.parse(text);
      if (response.status >= 400) {
        const echo = `${authorization} ${accessToken} ${secrets.join(",")}`;
        return new Response(
          JSON.stringify({ type: `Echo ${authorization}`, message: `${body?.message}: ${echo}` }),
          { status: response.status, headers: response.headers },
        );
      }
      const withSecret = (t: { id: string }) => ({
        ...t,
        token: tokens.find((x) => x.id === t.id)?.token,
      });
      const leaked = body?.items
        ? { ...body, items: body.items.map(withSecret) }
        : body?.id
        ? withSecret(body)
        : body;
      return new Response(JSON.stringify(leaked), { status: 200, headers: response.headers });
    };
    const lines: string[] = [];
    const logger = pino({ level: "trace" }, { write: (line: string) => void lines.push(line) });
    const client = withLogging(
      createClient({
        accessToken,
        url: server.url,
        fetch: echoing,
        retry: { retries: 1, minTimeout: 1, maxTimeout: 2 },
      }),
      logger,
    );
    const seen: unknown[] = [];
    onTokenEvent(client, (e) => void seen.push(e));
    onRequestEvent(client, (e) => void seen.push(e));

    // The client sees every secret first: reads send them.
    for await (const _ of listTokens(client, { instanceId: a })) { /* read */ }
    for await (const _ of listTokens(client, { instanceId: b })) { /* read */ }

    const errors: unknown[] = [];
    const missing = "f".repeat(24);
    await getToken(client, { instanceId: a, apiTokenId: missing }).catch((e) => errors.push(e));
    server.faults.add({ action: "patch", status: 503, times: 2 });
    await patchToken(client, {
      instanceId: a,
      apiTokenId: tokens[0].id,
      apiToken: { name: "x" },
    }).catch((e) => errors.push(e));
    await deleteToken(client, { instanceId: b, apiTokenId: missing }).catch((e) => errors.push(e));
    const bad = createClient({ accessToken: `${accessToken}x`, url: server.url, fetch: echoing });
    await getToken(bad, { instanceId: a, apiTokenId: tokens[0].id }).catch((e) => errors.push(e));

    server.faults.add({ action: "patch", status: 500, instanceId: a, times: 4 });
    const patchReport = await patchTokens(
      client,
      [...tokens.slice(0, 5).map((t) => ({ instanceId: a, apiTokenId: t.id })), {
        instanceId: a,
        apiTokenId: missing,
      }],
      { apiToken: { status: "inactive" }, includeTokens: true, keepResults: true },
    );
    const deleteReport = await deleteTokens(
      client,
      [{ instanceId: b, apiTokenId: missing }, { instanceId: b, apiTokenId: tokens[5].id }],
      { keepResults: true },
    );
    assert.ok(patchReport.failed >= 1 && deleteReport.failed === 1, "errors reached the reports");
    assert.is(errors.length, 4);

    const everything = [
      ...errors.flatMap((e) => [
        inspect(e, { depth: Infinity, showHidden: true }),
        (e as Error).stack ?? "",
        JSON.stringify(e),
      ]),
      ...lines,
      inspect([seen, patchReport, deleteReport], { depth: Infinity }),
      JSON.stringify([seen, patchReport, deleteReport]),
    ].join("\n");
    // The echo really happened: the scrubbed texts are there, marked.
    assert.ok(count(everything, "Bearer [redacted]") > 0, "the echo reached the errors, scrubbed");
    assert.ok(lines.length > 10, "pino logged at debug");
    for (const secret of [accessToken, `${accessToken}x`, ...secrets]) {
      assert.is(count(everything, secret), 0, `a secret occurs in errors, logs, events or reports`);
    }
  } finally {
    await server.close();
  }
});

test("the scrubber removes the access token and remembered secrets that are not JWTs", () => {
  const scrubber = createScrubber("plain-access-token-123");
  scrubber.rememberSecretsOf({ items: [{ token: "opaque-secret-456" }, null, { id: "x" }] });
  scrubber.rememberSecretsOf({ token: "another-secret-789" });
  const out = scrubber.scrub(
    "Bearer plain-access-token-123 opaque-secret-456 another-secret-789 eyJa.eyJb.c",
  );
  assert.is(out, "Bearer [redacted] [redacted] [redacted] [redacted]");
});

test("the check can fail: without scrubbing, the echo shows the token", () => {
  const accessToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig";
  const text = `invalid: Bearer ${accessToken}`;
  assert.is(count(text, accessToken), 1);
});

test.run();
