import { dateOf, day, daysBetween, isExpired } from "./rule.ts";
import type { BuiltinRule } from "./rule.ts";
import { daysSetting } from "./settings.ts";

/** A live token older than the rotation period: its secret has had time to spread. */
export const rotationAge: BuiltinRule<{ maxAgeDays: number }> = {
  id: "rotation-age",
  summary: "an active token was created more than maxAgeDays (90) ago: rotate it",
  severity: "warning",
  defaults: { maxAgeDays: 90 },
  settings: { maxAgeDays: daysSetting },
  check(token, { now, settings }) {
    const created = dateOf(token.creationDate);
    if (created === undefined || token.status === "inactive" || isExpired(token, now)) {
      return undefined;
    }
    const age = daysBetween(created, now);
    if (age < settings.maxAgeDays) return undefined;
    return {
      message: `created ${age} day(s) ago (${day(created)}); rotate every ${settings.maxAgeDays}`,
      detail: { creationDate: token.creationDate, ageDays: age, settings },
    };
  },
};
