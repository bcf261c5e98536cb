import * as v from "valibot";
import { headerValue } from "./input.ts";
import { typed } from "./rule.ts";

/** The params every action accepts (globalParams.json). */
export interface GlobalParams {
  /** Sent as the `losantdomain` header (the client's option by default). */
  losantdomain?: string;
  /** Query `_actions` (default false). */
  _actions?: boolean;
  /** Query `_links` (default true). */
  _links?: boolean;
  /** Query `_embedded` (default true). */
  _embedded?: boolean;
}

/** The entries of {@link GlobalParams}, spread into every params schema. */
export const globalParams = {
  // It becomes a header: a line break would let a caller forge other headers, and a
  // control or non-Latin-1 character would fail every attempt inside fetch.
  losantdomain: v.optional(headerValue(255)),
  _actions: v.optional(typed("boolean", "must be a boolean")),
  _links: v.optional(typed("boolean", "must be a boolean")),
  _embedded: v.optional(typed("boolean", "must be a boolean")),
};

/** The message of a strict params object: which keys it takes. */
export const objectMessage = (names: string): string => `must be an object with only ${names}`;
