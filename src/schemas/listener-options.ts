import * as v from "valibot";
import { inputObject } from "./input.ts";

/**
 * The options of onTokenEvent, onRequestEvent and tokenEvents, strict like every input: a
 * misspelt `secret: true` must not silently deliver redacted tokens to a vault writer.
 */
export const ListenerOptionsSchema = inputObject(
  {
    secrets: v.optional(v.boolean("must be a boolean")),
    onError: v.optional(v.custom<(...args: never[]) => void>(
      (x) => typeof x === "function",
      "must be a function",
    )),
  },
  "must be an object of only secrets, onError",
);
