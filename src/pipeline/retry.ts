import type { RequestContext } from "./context.ts";

/**
 * The retry stage: runs `attempt` until it succeeds or the policy gives up.
 * (Placeholder until the resilience work: one attempt.)
 */
export async function runAttempts(
  ctx: RequestContext,
  attempt: () => Promise<void>,
): Promise<void> {
  ctx.attempt = 1;
  await attempt();
}
