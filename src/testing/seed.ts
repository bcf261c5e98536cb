import { seedAuditCases } from "./audit-seed.ts";
import { objectId } from "./ids.ts";
import { intBetween, mulberry32, pick, type Random } from "./random.ts";
import type { FakeStore } from "./store.ts";
import type { FakeToken, TokenRole } from "./types.ts";

/** How much fake data to create. */
export interface SeedOptions {
  /** Number of visible instances (default 2). */
  instances?: number;
  /** Tokens per instance (default 20). */
  tokensPerInstance?: number;
  /** PRNG seed, so two servers seeded alike hold the same ids, names and dates (default 1). */
  random?: number;
  /** Also add one token per audit rule to each instance (see audit-seed.ts; default false). */
  auditCases?: boolean;
}

const DAY = 86_400_000;
const WORDS = [
  "build",
  "lint",
  "release",
  "nightly",
  "smoke",
  "docs",
  "e2e",
  "canary",
  "audit",
  "sync",
];
const ENVS = ["prod", "staging", "dev", "qa", "eu-west", "us-east"];
const PEOPLE = ["Ada Operator", "Grace Admin", "Linus Ops", "Margaret SRE", "Ken Builder"];
const SCOPE_SETS: readonly (readonly string[])[] = [
  ["all.Instance"],
  ["all.Instance.read"],
  ["all.Instance.bounded"],
  ["all.User.read"],
  ["instanceApiToken.*", "instanceApiTokens.*"],
  ["instanceApiToken.get", "instanceApiTokens.get"],
  ["all.Application"],
  ["all.Device.read", "data.timeSeriesQuery"],
];
const ROLES: readonly TokenRole[] = ["admin", "edit", "collaborate", "view", "none"];

function tokenName(random: Random, n: number): string {
  switch (intBetween(random, 0, 7)) {
    case 0:
      return `ci-${pick(random, WORDS)}-${n}`;
    case 1:
      return `deploy-${pick(random, ENVS)}`;
    case 2:
      return "grafana-reader";
    case 3:
      return `edge-gateway-${n}`;
    case 4:
      return `backup-exporter-${pick(random, ENVS)}`;
    case 5:
      return `svc-${pick(random, WORDS)}`;
    case 6:
      return `temp-${pick(random, WORDS)}-${n}`;
    default:
      return `${pick(random, ["Nightly", "Legacy", "Partner"])} integration ${n}`;
  }
}

// A spread that bulk jobs care about: no expiry, already expired, about to expire, far future.
function expiration(random: Random, now: number): string | undefined {
  const roll = random();
  if (roll < 0.35) return undefined;
  if (roll < 0.5) return new Date(now - intBetween(random, 1, 400) * DAY).toISOString();
  if (roll < 0.65) return new Date(now + intBetween(random, 1, 7 * 24) * 3_600_000).toISOString();
  return new Date(now + intBetween(random, 90, 1500) * DAY).toISOString();
}

/**
 * Fills a store with realistic instances and tokens. Deterministic for a given
 * `random` seed, except dates (relative to `now`) and secrets (always fresh).
 *
 * @example
 * ```ts
 * const store = createStore();
 * const ids = seedStore(store, { instances: 3, tokensPerInstance: 50, random: 7 });
 * store.listTokens(ids[0]).length; // 50
 * ```
 */
export function seedStore(
  store: FakeStore,
  options: SeedOptions = {},
  now: number = Date.now(),
): string[] {
  const random = mulberry32(options.random ?? 1);
  const instanceCount = options.instances ?? 2;
  const tokensPerInstance = options.tokensPerInstance ?? 20;
  const ids: string[] = [];
  for (let i = 0; i < instanceCount; i++) {
    const instance = store.createInstance({
      id: objectId(random),
      ownerId: objectId(random),
      ownerName: pick(random, PEOPLE),
    });
    ids.push(instance.id);
    for (let n = 1; n <= tokensPerInstance; n++) {
      const created = now - intBetween(random, 1, 700) * DAY - intBetween(random, 0, DAY);
      const updated = Math.min(now, created + intBetween(random, 0, 200) * DAY);
      const fields: Partial<FakeToken> = {
        id: objectId(random),
        name: tokenName(random, n),
        creatorName: pick(random, PEOPLE),
        creationDate: new Date(created).toISOString(),
        lastUpdated: new Date(updated).toISOString(),
        defaultRole: pick(random, ROLES),
        scope: [...pick(random, SCOPE_SETS)],
        status: random() < 0.85 ? "active" : "inactive",
      };
      const expirationDate = expiration(random, now);
      if (expirationDate) fields.expirationDate = expirationDate;
      if (random() < 0.5) fields.description = `Seeded token ${n} for ${fields.name}`;
      store.createToken(instance.id, fields);
    }
  }
  if (options.auditCases) seedAuditCases(store, ids, now, options.random ?? 1);
  return ids;
}
