import type { CallOptions } from "../actions/run-action.ts";
import { type Client, coreOf } from "../client.ts";
import { CallOptionsSchema } from "../schemas/client-options.ts";
import { type TokenParams, TokenParamsSchema } from "../schemas/token-params.ts";
import { parseParams } from "../validate.ts";
import { foldJournal } from "./journal.ts";
import { resolveRotation, type RotationOptions, splitRotationOptions } from "./options.ts";
import { preflightRotation } from "./preflight.ts";
import { type RotatedItem, rotateItem } from "./rotate-item.ts";

/** rotateToken's options: the rotation's, and those of each call it makes. */
export type RotateTokenOptions = RotationOptions & CallOptions;

/**
 * Rotates one token: creates a successor with the same description, roles and scope and a
 * new expiry, hands its secret to `sink`, renames the old token `{name} (retiring
 * {date})` and retires it: at once, or after `graceMs` when a later call (or
 * `finishRetirements`) finds it due. Each phase is journaled before it starts; called again
 * with the same journal after a crash, it resumes without a second successor.
 *
 * @example
 * const { successorId } = await rotateToken(client, { instanceId, apiTokenId }, {
 *   sink: fileSink("./secrets"),
 *   journal: fileJournal("rotation.ndjson"),
 *   expiresIn: 90 * 86_400_000,
 *   graceMs: 7 * 86_400_000,
 * });
 */
export async function rotateToken(
  client: Client,
  params: TokenParams,
  options: RotateTokenOptions,
): Promise<RotatedItem> {
  const { instanceId, apiTokenId } = parseParams(TokenParamsSchema, params, "rotateToken");
  const { rotation, rest } = splitRotationOptions(options);
  const settings = resolveRotation(
    rotation as unknown as RotationOptions,
    "rotateToken",
    coreOf(client).clock,
  );
  const call = parseParams(CallOptionsSchema, rest, "rotateToken") as CallOptions;
  const release = await settings.journal.lock();
  try {
    if (settings.preflight) await preflightRotation(client, [instanceId], call);
    const key = `${instanceId}/${apiTokenId}`.toLowerCase();
    const state = foldJournal(await settings.journal.read()).get(key);
    return await rotateItem({ client, settings, call, key }, instanceId, apiTokenId, state);
  } finally {
    await release();
  }
}
