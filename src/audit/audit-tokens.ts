import * as v from "valibot";
import type { CallOptions } from "../actions/run-action.ts";
import type { Client } from "../client.ts";
import { LosantApiError } from "../errors.ts";
import { readConsistentListing } from "../listing/read-listing.ts";
import type { ApiToken } from "../schemas/api-token.ts";
import { IdSchema } from "../schemas/id.ts";
import { parseParams } from "../validate.ts";
import { checkToken } from "./evaluate.ts";
import { type AuditPolicy, resolvePolicy } from "./policy.ts";
import { dateOf } from "./rules/rule.ts";
import { scrubSecrets } from "./scrub.ts";
import { createSummaryTally } from "./summary.ts";
import type { AuditRecord, InstanceListing, UnlistedInstance, UserRule } from "./types.ts";

/** What to audit and how. */
export interface AuditTokensOptions {
  /** The instances to read, in order (duplicates are ignored). */
  instanceIds: readonly string[];
  /** Thresholds, rules that run, waivers; checked like every input (unknown keys refused). */
  policy?: AuditPolicy;
  /** The audit's clock (default: now). Every rule and waiver reads this one instant. */
  now?: Date | number;
  /** Your own rules by id: plain functions of a token and its instance's listing. */
  rules?: Record<string, UserRule>;
  /**
   * Only tokens for which this is true are checked and counted; rules still see the whole
   * listing (a duplicate name is a duplicate of any token).
   */
  where?: (token: ApiToken) => boolean;
  /** Instances listed at once (default 4); records still come in instance order. */
  concurrency?: number;
  /** Stops the audit: the generator throws the signal's reason. */
  signal?: AbortSignal;
}

const OptionsSchema = v.strictObject({
  instanceIds: v.array(IdSchema, "must be a list of instance ids"),
  policy: v.optional(v.unknown()),
  now: v.optional(
    v.union([
      v.pipe(
        v.date("must be a Date or ms since the epoch"),
        v.check((d) => !isNaN(+d), "must be a valid date"),
      ),
      v.pipe(v.number("must be a Date or ms since the epoch"), v.finite("must be finite")),
    ], "must be a Date or ms since the epoch"),
  ),
  rules: v.optional(v.record(v.string(), v.unknown(), "must be an object of rule functions")),
  where: v.optional(
    v.custom<(t: ApiToken) => boolean>((x) => typeof x === "function", "must be a function"),
  ),
  concurrency: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(1, "must be at least 1"),
    ),
  ),
  signal: v.optional(v.instance(AbortSignal, "must be an AbortSignal")),
}, "must be an object");

// A listing pass that keeps shifting is retried this often, then the instance is unlisted.
const MAX_LISTINGS = 4;

type Listed = { listing: InstanceListing; pages: number; secrets: string[] } | UnlistedInstance;

/**
 * Audits the tokens of every instance: each instance's consistent listing is read once,
 * every rule runs on every token, and the records come out as they are found: findings and
 * unlisted instances in instance order, then one summary. An instance that cannot be
 * listed is an `unlisted` record and is never counted clean. No record holds a secret.
 * Bad options reject at the first `next()`, before anything is sent.
 *
 * @example
 * for await (const record of auditTokens(client, { instanceIds, policy })) {
 *   if (record.kind === "finding") console.log(record.severity, record.name, record.message);
 *   if (record.kind === "summary") console.log(record.bySeverity);
 * }
 */
export async function* auditTokens(
  client: Client,
  options: AuditTokensOptions,
): AsyncGenerator<AuditRecord, void, undefined> {
  parseParams(OptionsSchema, options, "auditTokens");
  const policy = resolvePolicy(options.policy ?? {}, options.rules ?? {});
  const now = options.now === undefined ? Date.now() : +options.now;
  const ids = [...new Set(options.instanceIds.map((id) => id.toLowerCase()))];
  const callOptions: CallOptions = options.signal ? { signal: options.signal } : {};
  const tally = createSummaryTally(now);
  const usedWaivers = new Set<number>();

  // A small pool reads ahead; records are still yielded in instance order.
  const pending: Promise<Listed>[] = [];
  let started = 0;
  const startNext = () => {
    if (started < ids.length) pending[started] = list(client, ids[started++], callOptions);
  };
  for (let i = 0; i < (options.concurrency ?? 4); i++) startNext();

  for (let i = 0; i < ids.length; i++) {
    const listed = await pending[i];
    delete pending[i];
    startNext();
    options.signal?.throwIfAborted();
    if ("kind" in listed) {
      tally.unlisted(listed);
      yield listed;
      continue;
    }
    const { listing, pages, secrets } = listed;
    const checked = options.where ? listing.tokens.filter(options.where) : listing.tokens;
    tally.instance(listing.instanceId, checked.length, pages);
    for (const token of checked) {
      tally.expiry(dateOf(token.expirationDate));
      const verdicts = checkToken(policy, token, listing, now);
      verdicts.waived.forEach((rule) => tally.waived(rule));
      verdicts.matchedWaivers.forEach((index) => usedWaivers.add(index));
      for (const finding of verdicts.findings) {
        const clean = scrubSecrets(finding, secrets);
        tally.finding(clean);
        yield clean;
      }
    }
  }
  const expired = policy.waivers.filter((w) => w.expiresAt <= now).length;
  yield tally.summary({
    active: policy.waivers.length - expired,
    expired,
    unused: policy.waivers.length - usedWaivers.size,
  });
}

function withoutSecret(token: ApiToken): ApiToken {
  if (token.token === undefined) return token;
  const { token: _secret, ...rest } = token;
  return rest as ApiToken;
}

// Never rejects: a failure is the instance's record.
async function list(client: Client, instanceId: string, options: CallOptions): Promise<Listed> {
  try {
    const listing = await readConsistentListing(client, { instanceId }, options, MAX_LISTINGS);
    if (!listing.consistent) {
      return {
        kind: "unlisted",
        instanceId,
        reason: `its tokens kept changing during ${MAX_LISTINGS} listings`,
        type: "InconsistentListing",
      };
    }
    // A listing never carries secrets, unless the server misbehaves: rules never see one,
    // and any a rule copies from elsewhere is scrubbed from its findings.
    const raw = [...listing.tokens.values()];
    const secrets = raw.map((t) => t.token).filter((s): s is string => !!s);
    return {
      listing: { instanceId, tokens: raw.map(withoutSecret) },
      pages: listing.pages,
      secrets,
    };
  } catch (error) {
    const record: UnlistedInstance = {
      kind: "unlisted",
      instanceId,
      reason: error instanceof Error ? error.message : String(error),
    };
    if (error instanceof LosantApiError) {
      record.statusCode = error.statusCode;
      record.type = error.type;
    } else if (error instanceof Error) record.type = error.name;
    return record;
  }
}
