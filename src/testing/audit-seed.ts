import { objectId } from "./ids.ts";
import { mulberry32 } from "./random.ts";
import type { FakeStore } from "./store.ts";
import type { NewToken } from "./types.ts";

const DAY = 86_400_000;

/**
 * One seeded token per audit rule (and the cases a rule must leave alone), so an audit of
 * the embedded server shows every kind of finding. Dates are days relative to `now`.
 */
interface AuditCase {
  name: string;
  createdDaysAgo: number;
  updatedDaysAgo?: number;
  /** Days from now; negative is in the past; undefined never expires. */
  expiresInDays?: number;
  scope: string[];
  defaultRole?: NewToken["defaultRole"];
  orgAdmin?: boolean;
  status?: "active" | "inactive";
  description?: string | null;
}

const NARROW = ["instanceApiToken.get", "instanceApiTokens.get"];

// Each case trips the rule its name says and, as far as possible, nothing else: a
// description, a fresh creation date, a narrow scope and an expiry 60 days out are clean.
const CASES: readonly AuditCase[] = [
  { name: "audit-clean", createdDaysAgo: 10, expiresInDays: 60, scope: NARROW },
  { name: "audit-never-expires", createdDaysAgo: 10, scope: NARROW },
  { name: "audit-expiring-in-3-days", createdDaysAgo: 10, expiresInDays: 3, scope: NARROW },
  { name: "audit-expiring-in-20-days", createdDaysAgo: 10, expiresInDays: 20, scope: NARROW },
  {
    name: "audit-expired-long-ago",
    createdDaysAgo: 200,
    updatedDaysAgo: 45,
    expiresInDays: -40,
    scope: NARROW,
  },
  {
    name: "audit-inactive-forgotten",
    createdDaysAgo: 80,
    updatedDaysAgo: 60,
    expiresInDays: 60,
    scope: NARROW,
    status: "inactive",
  },
  { name: "audit-older-than-90-days", createdDaysAgo: 180, expiresInDays: 60, scope: NARROW },
  {
    name: "audit-broad-all-application",
    createdDaysAgo: 10,
    expiresInDays: 60,
    scope: ["all.Application"],
  },
  {
    name: "audit-can-mint-tokens",
    createdDaysAgo: 10,
    expiresInDays: 60,
    scope: ["instanceApiTokens.post"],
  },
  {
    name: "audit-admin-role",
    createdDaysAgo: 10,
    expiresInDays: 60,
    scope: NARROW,
    defaultRole: "admin",
    orgAdmin: true,
  },
  { name: "audit-duplicate", createdDaysAgo: 10, expiresInDays: 60, scope: NARROW },
  { name: "audit-duplicate", createdDaysAgo: 9, expiresInDays: 60, scope: NARROW },
  // A rotation's pair: the successor took the name, the predecessor says it is retiring.
  { name: "audit-rotated", createdDaysAgo: 1, expiresInDays: 60, scope: NARROW },
  {
    name: "audit-rotated (retiring 2026-12-08)",
    createdDaysAgo: 30,
    expiresInDays: 60,
    scope: NARROW,
  },
  {
    name: "audit-no-description",
    createdDaysAgo: 10,
    expiresInDays: 60,
    scope: NARROW,
    description: null,
  },
  // Server text is untrusted: every report must show this name as text.
  {
    name: "=1+1 <script>alert('audit')</script> | `tick`",
    createdDaysAgo: 10,
    expiresInDays: 60,
    scope: NARROW,
    description: null,
  },
];

/** How many tokens {@link seedAuditCases} adds to each instance. */
export const AUDIT_CASES_PER_INSTANCE: number = CASES.length;

/**
 * Adds the audit cases to each instance, after its ordinary seeded tokens. Their ids come
 * from a PRNG of their own, so the ordinary seed's ids and names stay what they were.
 *
 * @example
 * seedAuditCases(store, instanceIds, now, 7);
 */
export function seedAuditCases(
  store: FakeStore,
  instanceIds: readonly string[],
  now: number,
  seed: number,
): void {
  const random = mulberry32((seed ^ 0x5eed_a0d1) >>> 0);
  for (const instanceId of instanceIds) {
    for (const c of CASES) {
      const created = now - c.createdDaysAgo * DAY;
      const fields: NewToken = {
        id: objectId(random),
        name: c.name,
        creationDate: new Date(created).toISOString(),
        lastUpdated: new Date(now - (c.updatedDaysAgo ?? c.createdDaysAgo) * DAY).toISOString(),
        scope: [...c.scope],
        defaultRole: c.defaultRole ?? "view",
        status: c.status ?? "active",
      };
      if (c.expiresInDays !== undefined) {
        fields.expirationDate = new Date(now + c.expiresInDays * DAY).toISOString();
      }
      if (c.description !== null) {
        fields.description = c.description ?? `Seeded audit case: ${c.name}`;
      }
      if (c.orgAdmin) fields.orgRoles = [{ orgId: objectId(random), role: "admin" }];
      store.createToken(instanceId, fields);
    }
  }
}
