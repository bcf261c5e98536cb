import { isExpired } from "./rule.ts";
import type { BuiltinRule } from "./rule.ts";

/** `admin` as the default role or in an org role: the widest role Losant has. */
export const adminRole: BuiltinRule = {
  id: "admin-role",
  summary: "the token holds the admin role (defaultRole or an orgRoles entry)",
  severity: "warning",
  defaults: {},
  settings: {},
  check(token, { now }) {
    if (isExpired(token, now)) return undefined;
    const where: string[] = [];
    if (token.defaultRole === "admin") where.push("defaultRole");
    (token.orgRoles ?? []).forEach((entry, i) => {
      if ((entry as { role?: unknown }).role === "admin") where.push(`orgRoles.${i}`);
    });
    if (where.length === 0) return undefined;
    return { message: `admin role in ${where.join(", ")}`, detail: { fields: where } };
  },
};
