import type { ApiToken } from "../../schemas/api-token.ts";
import { dateOf, day, daysBetween, isExpired } from "./rule.ts";
import type { BuiltinRule } from "./rule.ts";
import { daysSetting } from "./settings.ts";

// The API has no "last used" field: lastUpdated (the last change to the token itself) is
// the only age it offers, and every message says so, so nobody reads it as "unused".
const BY = "by lastUpdated; the API records no last use";

function unchangedDays(token: ApiToken, now: number): number | undefined {
  const updated = dateOf(token.lastUpdated) ?? dateOf(token.creationDate);
  return updated === undefined ? undefined : daysBetween(updated, now);
}

/** An expired token can never authenticate again: clutter to delete once nobody touches it. */
export const expired: BuiltinRule<{ unchangedDays: number }> = {
  id: "expired",
  summary: "the token has expired and was not updated for unchangedDays (7): delete it",
  severity: "info",
  defaults: { unchangedDays: 7 },
  settings: { unchangedDays: daysSetting },
  check(token, { now, settings }) {
    if (!isExpired(token, now)) return undefined;
    const unchanged = unchangedDays(token, now);
    if (unchanged !== undefined && unchanged < settings.unchangedDays) return undefined;
    const expires = dateOf(token.expirationDate)!;
    return {
      message: `expired ${daysBetween(expires, now)} day(s) ago (${day(expires)}); ` +
        `unchanged for ${unchanged ?? "an unknown number of"} day(s) (${BY})`,
      detail: {
        expirationDate: token.expirationDate,
        lastUpdated: token.lastUpdated ?? null,
        unchangedDays: unchanged ?? null,
        settings,
      },
    };
  },
};

/** An inactive token nobody reactivated for a month is most likely forgotten. */
export const inactive: BuiltinRule<{ unchangedDays: number }> = {
  id: "inactive",
  summary: "the token is inactive and was not updated for unchangedDays (30): delete it",
  severity: "info",
  defaults: { unchangedDays: 30 },
  settings: { unchangedDays: daysSetting },
  check(token, { now, settings }) {
    if (token.status !== "inactive" || isExpired(token, now)) return undefined;
    const unchanged = unchangedDays(token, now);
    if (unchanged !== undefined && unchanged < settings.unchangedDays) return undefined;
    return {
      message: `inactive, unchanged for ${unchanged ?? "an unknown number of"} day(s) (${BY})`,
      detail: {
        lastUpdated: token.lastUpdated ?? null,
        unchangedDays: unchanged ?? null,
        settings,
      },
    };
  },
};
