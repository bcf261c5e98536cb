import * as v from "valibot";
import { inputObject } from "./input.ts";

const count = (max: number) =>
  v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(0, "must be at least 0"),
      v.maxValue(max, `must be at most ${max}`),
    ),
  );

const FALSE = v.literal(false);

const seedOptions = inputObject(
  {
    instances: count(10_000),
    tokensPerInstance: count(1_000_000),
    random: v.optional(v.number("must be a number")),
    auditCases: v.optional(v.boolean("must be true or false")),
  },
  "must be false or an object of only instances, tokensPerInstance, random, auditCases",
);

/**
 * The options of `startFakeLosant`, strict like every input: a misspelt `seed` must not
 * start a server with 40 tokens a test then counts on not being there. (The server itself
 * keeps ignoring unknown query keys, as the API does: that is response-side leniency.)
 */
export const StartFakeLosantOptionsSchema = inputObject(
  {
    port: count(65_535),
    hostname: v.optional(
      v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty")),
    ),
    // A v.lazy, not a v.union: the issues are the picked schema's own, with their paths.
    seed: v.optional(v.lazy((x) => x === false ? FALSE : seedOptions)),
    apiVersion: v.optional(
      v.pipe(
        v.string("must be a string"),
        v.regex(/^\d+\.\d+\.\d+$/, "must be a version like 1.30.0"),
      ),
    ),
    maxPerPage: v.optional(
      v.pipe(
        v.number("must be a number"),
        v.integer("must be an integer"),
        v.minValue(1, "must be at least 1"),
        v.maxValue(1000, "must be at most 1000"),
      ),
    ),
    // Any object with a now() method: a full Clock (class instance or not) fits.
    clock: v.optional(
      v.custom<{ now(): number }>(
        (value) =>
          typeof value === "object" && value !== null &&
          typeof (value as { now?: unknown }).now === "function",
        "must be an object with a now() method",
      ),
    ),
  },
  "must be an object of only port, hostname, seed, apiVersion, maxPerPage, clock",
);
