import type * as v from "valibot";
import { type Client, coreOf } from "../client.ts";
import { nextCallId } from "../call-id.ts";
import type { RequestContext } from "../types.ts";
import { buildRunner, type Runner } from "../pipeline/build.ts";
import { type CallOptions, mergeRetry } from "../options.ts";
import { CallOptionsSchema } from "../schemas/client-options.ts";
import { parseParams } from "../validate.ts";
import type { ActionSpec } from "./define-action.ts";

export type { CallOptions } from "../options.ts";

/**
 * Validates params and call options, builds the context and runs it through the client's
 * pipeline for this action. Nothing is sent when validation fails.
 */
export async function runAction<P extends v.GenericSchema, R extends v.GenericSchema>(
  client: Client,
  spec: ActionSpec<P, R>,
  rawParams: unknown,
  rawOptions?: CallOptions,
): Promise<v.InferOutput<R>> {
  const params = parseParams(spec.params, rawParams, spec.name) as v.InferOutput<P> & {
    instanceId: string;
    apiTokenId?: string;
    _actions?: boolean;
    _links?: boolean;
    _embedded?: boolean;
  };
  const options = rawOptions === undefined
    ? {}
    : parseParams(CallOptionsSchema, rawOptions, spec.name, "options");
  if (options.signal?.aborted) throw options.signal.reason;

  const core = coreOf(client);
  let runner = core.runners.get(spec) as Runner | undefined;
  if (runner === undefined) {
    runner = buildRunner(client, core, spec.result, spec.outcomeGuard);
    core.runners.set(spec, runner as (ctx: never) => Promise<void>);
  }

  const ctx: RequestContext = {
    action: spec.name,
    // The spec itself: it carries the action's semantics, and costs no copy per call.
    semantics: spec,
    callId: nextCallId(),
    params,
    instanceId: params.instanceId,
    apiTokenId: params.apiTokenId,
    method: spec.method,
    path: spec.path(params),
    query: { ...globalQuery(params), ...spec.query?.(params) },
    headers: {},
    body: spec.body?.(params),
    attempt: 0,
    signal: options.signal,
    timeout: options.timeout ?? client.timeout,
    deadline: deadlineOf(options.deadline, core.clock.now()),
    retry: mergeRetry(client.retry, options.retry),
    state: {},
  };
  await runner(ctx);
  return ctx.result as v.InferOutput<R>;
}

// The official client sends these on every call; the caller's params override them.
function globalQuery(p: { _actions?: boolean; _links?: boolean; _embedded?: boolean }) {
  return {
    _actions: String(p._actions ?? false),
    _links: String(p._links ?? true),
    _embedded: String(p._embedded ?? true),
  };
}

function deadlineOf(deadline: number | Date | undefined, now: number): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : now + deadline;
}
