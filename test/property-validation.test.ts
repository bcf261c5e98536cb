/**
 * Issue 12's first property: for any generated invalid params or options object (unknown
 * keys, wrong types, out-of-range numbers, hostile strings, throwing getters, Proxies),
 * every public function of the core, batch and events entries rejects with a
 * LosantValidationError whose message contains none of the input's string values, and the
 * server receives no request.
 *
 * The full run (300 cases per function) is on Node; Deno and Bun run a 10-case sample of
 * the same property with the same seed, so the file tests something on every runtime.
 * The seed is printed on failure; FC_SEED=<n> replays it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import process from "node:process";
import fc from "fast-check";
import {
  createClient,
  deleteToken,
  getToken,
  listTokens,
  listTokensPage,
  LosantValidationError,
  onRequestEvent,
  onTokenEvent,
  patchToken,
} from "../mod.ts";
import { deleteTokens, patchTokens, selectTokens } from "../src/batch/mod.ts";
import { tokenEvents, watchTokens } from "../src/events/mod.ts";
import { type Fixture, startFixture } from "./support/fixture.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const NODE = g.Deno === undefined && g.Bun === undefined;
const RUNS = NODE ? 300 : 10;
const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

let f: Fixture;
test.before(async () => {
  f = await startFixture();
});
test.after(() => f.server.close());

const ID = "a".repeat(24);

/**
 * A hostile string: control characters, line breaks, non-Latin-1, JWT-looking, long. Each
 * carries a marker so its presence in a message can be searched for without false hits.
 */
const hostileString = fc.tuple(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", "\0", "\r\n", "\x1b[31m", "☃", "eyJhbGciOi.", "Bearer "),
  fc.nat({ max: 1e9 }),
).map(([body, spice, n]) => `zQ${n}${spice}${body}Qz`);

/** What a field must be, to generate a value it must refuse. */
type Kind = "id" | "string" | "number" | "count" | "boolean" | "function" | "object" | "array";

const wrongValue = (kind: Kind): fc.Arbitrary<unknown> => {
  const common = [hostileString, fc.constant([]), fc.constant(new Date(0)), fc.constant(new Map())];
  switch (kind) {
    case "id":
      return fc.oneof(...common, fc.integer(), fc.constant({}));
    case "string":
      return fc.oneof(fc.integer(), fc.constant({}), fc.constant([]), fc.boolean());
    case "number":
      return fc.oneof(hostileString, fc.constant(-1), fc.constant(Number.NaN), fc.constant({}));
    case "count":
      return fc.oneof(hostileString, fc.constant(-1), fc.constant(2.5), fc.constant(Number.NaN));
    case "boolean":
      return fc.oneof(hostileString, fc.integer(), fc.constant({}));
    case "function":
      return fc.oneof(hostileString, fc.integer(), fc.constant({}));
    case "object":
      return fc.oneof(...common, fc.integer());
    case "array":
      return fc.oneof(hostileString, fc.constant(new Date(0)), fc.constant({}), fc.integer());
  }
};

/** One public function, its valid input, and the kind of each field of the object tested. */
interface Target {
  name: string;
  fields: Record<string, Kind>;
  valid: () => Record<string, unknown>;
  run: (input: unknown) => unknown;
}

const tokenParams = () => ({ instanceId: ID, apiTokenId: ID });
const items = () => [tokenParams()];

const targets: Target[] = [
  {
    name: "createClient options",
    fields: { accessToken: "string", timeout: "number", retry: "object", eventCache: "count" },
    valid: () => ({ accessToken: "t", url: f.server.url }),
    run: (o) => createClient(o as never),
  },
  {
    name: "getToken params",
    fields: { instanceId: "id", apiTokenId: "id", losantdomain: "string", _links: "boolean" },
    valid: tokenParams,
    run: (p) => getToken(f.client, p as never),
  },
  {
    name: "getToken options",
    fields: { timeout: "number", retry: "object", signal: "object" },
    valid: () => ({ timeout: 1000 }),
    run: (o) => getToken(f.client, tokenParams(), o as never),
  },
  {
    name: "retry options",
    fields: { retries: "count", minTimeout: "number", factor: "number", onRetry: "function" },
    valid: () => ({ retries: 1 }),
    run: (o) => deleteToken(f.client, tokenParams(), { retry: o as never }),
  },
  {
    name: "patchToken apiToken",
    fields: { name: "string", description: "string", status: "string", orgRoles: "array" },
    valid: () => ({ status: "inactive" }),
    run: (o) => patchToken(f.client, { ...tokenParams(), apiToken: o as never }),
  },
  {
    name: "listTokensPage params",
    fields: { instanceId: "id", page: "count", perPage: "count", filter: "string" },
    valid: () => ({ instanceId: ID }),
    run: (p) => listTokensPage(f.client, p as never),
  },
  {
    name: "listTokens params",
    fields: { instanceId: "id", perPage: "count", sortField: "string" },
    valid: () => ({ instanceId: ID }),
    run: async (p) => {
      for await (const _ of listTokens(f.client, p as never)) break;
    },
  },
  {
    name: "onTokenEvent options",
    fields: { secrets: "boolean", onError: "function" },
    valid: () => ({ secrets: false }),
    run: (o) => onTokenEvent(f.client, () => {}, o as never)(),
  },
  {
    name: "onRequestEvent options",
    fields: { secrets: "boolean", onError: "function" },
    valid: () => ({}),
    run: (o) => onRequestEvent(f.client, () => {}, o as never)(),
  },
  {
    name: "deleteTokens options",
    fields: {
      concurrency: "count",
      dryRun: "boolean",
      abortGraceMs: "number",
      onStart: "function",
    },
    valid: () => ({ concurrency: 2 }),
    run: (o) => deleteTokens(f.client, items(), o as never),
  },
  {
    name: "patchTokens options",
    fields: { apiToken: "object", concurrency: "count", keepResults: "boolean" },
    valid: () => ({ apiToken: { status: "inactive" } }),
    run: (o) => patchTokens(f.client, items(), o as never),
  },
  {
    name: "selectTokens options",
    fields: { instanceIds: "array", filter: "string", where: "function" },
    valid: () => ({ instanceIds: [ID] }),
    run: async (o) => {
      for await (const _ of selectTokens(f.client, o as never)) break;
    },
  },
  {
    name: "watchTokens options",
    fields: { instanceIds: "array", intervalMs: "number", perPage: "count", secrets: "boolean" },
    valid: () => ({ instanceIds: [ID], intervalMs: 1000 }),
    run: (o) => watchTokens(f.client, o as never),
  },
  {
    name: "tokenEvents options",
    fields: { secrets: "boolean" },
    valid: () => ({}),
    run: (o) => tokenEvents(f.client, o as never),
  },
];

/** A reader that fails on every access: a Proxy, or a getter on a field the schema reads. */
const throwing = (inner: string) =>
  new Proxy({}, {
    get() {
      throw new Error(inner);
    },
    ownKeys() {
      throw new Error(inner);
    },
    getPrototypeOf() {
      throw new Error(inner);
    },
    has() {
      throw new Error(inner);
    },
  });

const key = fc.stringMatching(/^[a-z][A-Za-z]{1,12}$/);

/** An invalid input for `target`, and the strings it holds (that no message may quote). */
function invalidInput(target: Target): fc.Arbitrary<{ input: unknown; strings: string[] }> {
  const names = Object.keys(target.fields);
  const unknownKey = fc.tuple(
    key.filter((k) => !(k in target.fields) && !(k in target.valid())),
    hostileString,
  )
    .map(([k, value]) => ({ input: { ...target.valid(), [k]: value }, strings: [value] }));
  const wrongField = fc.constantFrom(...names).chain((name) =>
    wrongValue(target.fields[name]).map((value) => ({
      input: { ...target.valid(), [name]: value },
      strings: typeof value === "string" ? [value] : [],
    }))
  );
  const notAnObject = fc.oneof(
    hostileString.map((s) => ({ input: s as unknown, strings: [s] })),
    fc.constantFrom([], new Date(0), new Map(), 42).map((v) => ({ input: v, strings: [] })),
  );
  const throwingGetter = fc.tuple(fc.constantFrom(...names), hostileString).map(([name, s]) => {
    const input = { ...target.valid() };
    delete input[name];
    Object.defineProperty(input, name, {
      enumerable: true,
      get() {
        throw new Error(s);
      },
    });
    return { input: input as unknown, strings: [s] };
  });
  const proxy = hostileString.map((s) => ({ input: throwing(s) as unknown, strings: [s] }));
  return fc.oneof(unknownKey, wrongField, notAnObject, throwingGetter, proxy);
}

/** Runs the call; what it threw or rejected with (undefined when it succeeded). */
async function failureOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

for (const target of targets) {
  test(`property: invalid ${target.name} → LosantValidationError, no value quoted, nothing sent`, async () => {
    await fc.assert(
      fc.asyncProperty(invalidInput(target), async ({ input, strings }) => {
        const before = f.server.requests.length;
        const error = await failureOf(() => target.run(input));
        if (!(error instanceof LosantValidationError)) {
          throw new Error(`${target.name}: not a LosantValidationError but ${String(error)}`);
        }
        for (const s of strings) {
          if (error.message.includes(s) || JSON.stringify(error).includes(JSON.stringify(s))) {
            throw new Error(`${target.name}: the message quotes an input value: ${error.message}`);
          }
        }
        if (f.server.requests.length !== before) {
          throw new Error(`${target.name}: ${f.server.requests.length - before} request(s) sent`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    ).catch((error: Error) => {
      throw new Error(`seed ${SEED} (replay: FC_SEED=${SEED}): ${error.message}`);
    });
  });
}

test("the property can fail: a function that echoes its input is caught", async () => {
  const echo = (input: unknown) => {
    throw new LosantValidationError([{ path: "x", rule: "r", message: String(input) }]);
  };
  const error = await fc.assert(
    fc.asyncProperty(hostileString, async (s) => {
      const e = await failureOf(() => echo(s));
      if ((e as Error).message.includes(s)) throw new Error("quoted");
    }),
    { seed: SEED, numRuns: 5 },
  ).then(() => undefined, (e) => e);
  assert.instance(error, Error);
});

test.run();
