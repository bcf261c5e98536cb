import * as v from "valibot";
import { IdSchema } from "../schemas/id.ts";
import { parseParams } from "../validate.ts";
import { SEVERITIES } from "./severity.ts";
import type { AuditRecord, Severity } from "./types.ts";

const severity = v.picklist(SEVERITIES as Severity[], `must be one of ${SEVERITIES.join(", ")}`);
const count = v.pipe(
  v.number("must be a number"),
  v.integer("must be an integer"),
  v.minValue(0, "must be 0 or more"),
);
const counts = v.strictObject({ info: count, warning: count, critical: count });
const text = v.string("must be a string");

/** A finding as the audit writes it; what `--from-findings` accepts. */
export const FindingSchema = v.strictObject({
  kind: v.literal("finding", 'must be "finding"'),
  instanceId: IdSchema,
  apiTokenId: IdSchema,
  name: text,
  rule: v.pipe(text, v.minLength(1, "must not be empty")),
  severity,
  message: text,
  detail: v.record(v.string(), v.unknown(), "must be an object"),
});

export const UnlistedSchema = v.strictObject({
  kind: v.literal("unlisted", 'must be "unlisted"'),
  instanceId: IdSchema,
  reason: text,
  statusCode: v.optional(count),
  type: v.optional(text),
});

export const SummarySchema = v.strictObject({
  kind: v.literal("summary", 'must be "summary"'),
  auditedAt: v.pipe(text, v.isoTimestamp("must be an ISO 8601 time")),
  instances: count,
  unlisted: v.array(IdSchema),
  tokens: count,
  findings: count,
  bySeverity: counts,
  byRule: v.record(v.string(), count),
  perInstance: v.array(v.strictObject({
    instanceId: IdSchema,
    listed: v.boolean(),
    tokens: count,
    findings: count,
    bySeverity: counts,
    pages: count,
  })),
  waived: v.record(v.string(), count),
  waivers: v.strictObject({ active: count, expired: count, unused: count }),
  timeline: v.strictObject({
    from: v.pipe(text, v.isoTimestamp("must be an ISO 8601 time")),
    weeks: v.array(count),
    earlier: count,
    later: count,
    never: count,
  }),
  clean: v.boolean(),
});

/** Any record of an audit, told apart by `kind`. */
export const AuditRecordSchema = v.variant(
  "kind",
  [FindingSchema, UnlistedSchema, SummarySchema],
  'must have kind "finding", "unlisted" or "summary"',
);

/**
 * Checks one parsed line of `--ndjson` output (or an element of `--json`'s lists) against
 * the record schemas: LosantValidationError names the field, never quotes the value.
 *
 * @example
 * const record = parseAuditRecord(JSON.parse(line));
 */
export function parseAuditRecord(value: unknown): AuditRecord {
  return parseParams(AuditRecordSchema, value, "audit record") as AuditRecord;
}
