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
    seed: v.optional(
      v.union([
        v.literal(false),
        inputObject(
          {
            instances: count(10_000),
            tokensPerInstance: count(1_000_000),
            random: v.optional(v.number("must be a number")),
          },
          "must be false or an object of only instances, tokensPerInstance, random",
        ),
      ], "must be false or an object of only instances, tokensPerInstance, random"),
    ),
  },
  "must be an object of only port, hostname, seed",
);
