/** Shared setup for the rotation suites: tokens worth rotating, and what to check after. */
import type { FakeLosant } from "../../src/testing/mod.ts";
import type { FakeToken } from "../../src/testing/types.ts";

export const DAY = 86_400_000;

const ROLE_SETS = [
  { defaultRole: "view" as const, scope: ["all.Instance.read"] },
  {
    defaultRole: "edit" as const,
    scope: ["instanceApiToken.get", "instanceApiTokens.get"],
    orgRoles: [{ orgId: "sandbox", role: "admin" as const }],
  },
  { defaultRole: "none" as const, scope: ["all.Device.read", "data.*"] },
];

/** `n` tokens per instance with varied roles, scope and descriptions, named `${prefix}<i>-<n>`. */
export function seedRotatable(
  server: FakeLosant,
  instanceIds: readonly string[],
  n: number,
  prefix = "svc-",
): { instanceId: string; apiTokenId: string }[] {
  const items: { instanceId: string; apiTokenId: string }[] = [];
  instanceIds.forEach((instanceId, i) => {
    for (let k = 0; k < n; k++) {
      const roles = ROLE_SETS[k % ROLE_SETS.length];
      const token = server.store.createToken(instanceId, {
        name: `${prefix}${i}-${k}`,
        ...(k % 2 === 0 ? { description: `service ${k}` } : {}),
        expirationDate: new Date(Date.now() + 10 * DAY).toISOString(),
        ...structuredClone(roles),
      });
      items.push({ instanceId, apiTokenId: token.id });
    }
  });
  return items;
}

/** Every token of every instance, by id. */
export function allTokens(server: FakeLosant): Map<string, FakeToken & { instanceId: string }> {
  const all = new Map<string, FakeToken & { instanceId: string }>();
  for (const instance of server.store.listInstances()) {
    for (const t of server.store.listTokens(instance.id)) {
      all.set(t.id, { ...t, instanceId: instance.id });
    }
  }
  return all;
}

/** How many times `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  if (needle === "") return 0;
  return haystack.split(needle).length - 1;
}
