import type { ApiToken } from "../../schemas/api-token.ts";
import type { BuiltinRule } from "./rule.ts";

/**
 * The name rotation gives a retiring predecessor, `{name} (retiring YYYY-MM-DD)`. Such a
 * token and its successor (which took `{name}`) are a pair, not duplicates.
 */
export const RETIRING_NAME = /^(.*) \(retiring \d{4}-\d{2}-\d{2}\)$/;

// Names differ for people, not for the API, by case and runs of spaces: "CI Deploy" and
// "ci  deploy" are the same thing to whoever picks one by name.
function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

// The listing is the same for every token of an instance: group it once.
const groups = new WeakMap<readonly ApiToken[], Map<string, string[]>>();

function groupsOf(tokens: readonly ApiToken[]): Map<string, string[]> {
  let byName = groups.get(tokens);
  if (byName === undefined) {
    byName = new Map();
    for (const t of tokens) {
      if (t.name === undefined) continue;
      const key = nameKey(t.name);
      byName.set(key, [...(byName.get(key) ?? []), t.id.toLowerCase()]);
    }
    groups.set(tokens, byName);
  }
  return byName;
}

/** Two tokens of one instance that people cannot tell apart by name. */
export const duplicateName: BuiltinRule = {
  id: "duplicate-name",
  summary: "another token of the instance has the same name (a retiring predecessor excepted)",
  severity: "info",
  defaults: {},
  settings: {},
  needsListing: true,
  check(token, { listing }) {
    if (token.name === undefined) return undefined;
    // A retiring name keys as itself, so it never duplicates its successor's plain name.
    const same = groupsOf(listing.tokens).get(nameKey(token.name)) ?? [];
    const others = same.filter((id) => id !== token.id.toLowerCase());
    if (others.length === 0) return undefined;
    return {
      message: `${others.length} other token(s) of this instance have the same name`,
      detail: { others, retiring: RETIRING_NAME.test(token.name) },
    };
  },
};

/** Nobody can tell what a token without a description is for, or whom to ask. */
export const noDescription: BuiltinRule = {
  id: "no-description",
  summary: "the token has no description",
  severity: "info",
  defaults: {},
  settings: {},
  check(token) {
    if ((token.description ?? "").trim() !== "") return undefined;
    return { message: "no description", detail: {} };
  },
};
