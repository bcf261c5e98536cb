import type { ApiToken } from "../schemas/api-token.ts";
import { globMatcher } from "./rules/rule.ts";

/** An exception, as written in a policy: which tokens, which rules, why, until when. */
export interface WaiverInput {
  /** The token, by id; or by `name` (a glob, case-insensitive like the API's filter). */
  apiTokenId?: string;
  /** The tokens whose name matches this glob (`*` any run of characters), case-insensitively. */
  name?: string;
  /** Only in this instance (default: every audited instance). */
  instanceId?: string;
  /** Rule ids it waives, or `["*"]` for every rule. */
  rules: string[];
  /** Why, for whoever reads the report (a ticket, a person). */
  reason: string;
  /** `YYYY-MM-DD` (the start of that day, UTC) or an ISO 8601 time. */
  expires: string;
}

/** A waiver ready to match. */
export interface Waiver extends WaiverInput {
  /** Its position in the policy, to name it in findings. */
  index: number;
  /** `expires` as epoch ms. */
  expiresAt: number;
  /** Whether the waiver names this token (by id or name) in this instance. */
  matches(instanceId: string, token: ApiToken): boolean;
  /** Whether it waives this rule. */
  waives(rule: string): boolean;
}

/** Compiles checked waivers (each names a token id or a name: the policy schema sees to it). */
export function compileWaivers(inputs: readonly WaiverInput[]): Waiver[] {
  return inputs.map((input, index) => {
    const byName = input.name === undefined ? undefined : globMatcher(input.name, true);
    const date = /^\d{4}-\d{2}-\d{2}$/.test(input.expires)
      ? `${input.expires}T00:00:00Z`
      : input.expires;
    return {
      ...input,
      index,
      expiresAt: Date.parse(date),
      matches(instanceId, token) {
        if (input.instanceId && input.instanceId.toLowerCase() !== instanceId.toLowerCase()) {
          return false;
        }
        if (input.apiTokenId && input.apiTokenId.toLowerCase() !== token.id.toLowerCase()) {
          return false;
        }
        return byName === undefined || byName.test(token.name ?? "");
      },
      waives: (rule) => input.rules.includes("*") || input.rules.includes(rule),
    };
  });
}
