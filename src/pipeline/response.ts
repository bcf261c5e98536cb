import * as v from "valibot";
import { LosantResponseError } from "../errors.ts";
import type { Middleware } from "./context.ts";

/**
 * The outermost stage: checks the response against the action's result schema, once per
 * call. A result set by middleware (a short-circuit) is trusted as given.
 */
export function responseStage(schema: v.GenericSchema): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.result !== undefined) return;
    const parsed = v.safeParse(schema, ctx.response?.body);
    if (parsed.success) {
      ctx.result = parsed.output;
      return;
    }
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join(".") || "body";
    throw new LosantResponseError(
      `${ctx.method} ${ctx.path} answered with an unexpected shape: ${where}: expected ${issue.expected}`,
      {
        action: ctx.action,
        method: ctx.method,
        path: ctx.path,
        statusCode: ctx.response?.status,
        attempts: ctx.attempt,
        requestId: `${ctx.callId}-${ctx.attempt}`,
      },
    );
  };
}
