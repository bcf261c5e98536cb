/**
 * The transport's query string is built by `queryString`, which joins plain keys and values
 * itself and hands anything else to URLSearchParams. The property: for any query object,
 * its output is URLSearchParams' output, byte for byte (and so what the server parses back
 * is what the caller set). The seed is printed on failure; FC_SEED=<n> replays it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import process from "node:process";
import fc from "fast-check";
import { queryString } from "../src/query-string.ts";

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const standard = (q: Record<string, string>) => new URLSearchParams(q).toString();

test("the usual query is joined as URLSearchParams joins it", () => {
  const query = { _actions: "false", _links: "true", _embedded: "true" };
  assert.is(queryString(query), "_actions=false&_links=true&_embedded=true");
  assert.is(queryString({}), "");
  assert.is(queryString({ "": "" }), standard({ "": "" }));
});

test("characters form-urlencoding changes take the URLSearchParams path", () => {
  for (
    const text of ["a b", "a+b", "a&b=c", "ü", "~", "!", "'()", "%41", "a/b", "\u2028", "é\u0000"]
  ) {
    assert.is(queryString({ q: text }), standard({ q: text }), `value ${JSON.stringify(text)}`);
    assert.is(
      queryString({ [text]: "v" }),
      standard({ [text]: "v" }),
      `key ${JSON.stringify(text)}`,
    );
  }
});

test("integer-like keys come first, as in every object's key order", () => {
  const query = { b: "1", 2: "x", a: "y", 1: "z" } as Record<string, string>;
  assert.is(queryString(query), standard(query));
  assert.is(queryString(query), "1=z&2=x&b=1&a=y");
});

test("any query object serializes exactly as URLSearchParams does (property)", () => {
  const text = fc.oneof(
    fc.stringMatching(/^[\w.*-]{0,8}$/),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
  );
  try {
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 6 }), (query) => {
        assert.is(queryString(query), standard(query));
      }),
      { seed: SEED, numRuns: 500 },
    );
  } catch (error) {
    throw new Error(`seed ${SEED} (replay with FC_SEED=${SEED}): ${(error as Error).message}`);
  }
});

test.run();
