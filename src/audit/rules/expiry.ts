import { dateOf, day, DAY_MS } from "./rule.ts";
import type { BuiltinRule } from "./rule.ts";
import { daysSetting } from "./settings.ts";

/** A token without `expirationDate` works until someone deletes it. */
export const noExpiry: BuiltinRule = {
  id: "no-expiry",
  summary: "the token never expires (no expirationDate)",
  severity: "warning",
  defaults: {},
  settings: {},
  check(token) {
    if (token.expirationDate !== undefined) return undefined;
    return { message: "never expires", detail: { expirationDate: null } };
  },
};

/**
 * An active token about to expire breaks whatever uses it: warning inside `warningDays`,
 * critical inside `criticalDays`. Expired tokens are the `expired` rule's.
 */
export const expiringSoon: BuiltinRule<{ warningDays: number; criticalDays: number }> = {
  id: "expiring-soon",
  summary: "an active token expires within warningDays (30), critical within criticalDays (7)",
  severity: "warning",
  fixedSeverity: true,
  defaults: { warningDays: 30, criticalDays: 7 },
  settings: { warningDays: daysSetting, criticalDays: daysSetting },
  check(token, { now, settings }) {
    const expires = dateOf(token.expirationDate);
    if (expires === undefined || expires <= now || token.status === "inactive") return undefined;
    const left = (expires - now) / DAY_MS;
    if (left > settings.warningDays) return undefined;
    const whole = Math.round(left);
    return {
      severity: left <= settings.criticalDays ? "critical" : "warning",
      message: `expires in ${whole === 0 ? "less than a day" : `${whole} day(s)`} (${
        day(expires)
      })`,
      detail: { expirationDate: token.expirationDate, daysLeft: whole, settings },
    };
  },
};
