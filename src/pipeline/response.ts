import * as v from "valibot";
import { LosantResponseError } from "../errors.ts";
import type { Middleware } from "../types.ts";
import { errorContextOf } from "./error-context.ts";

/**
 * Checks the call's result against the action's result schema, once per call: the
 * response's body, or the value a middleware set as `ctx.result` (a short-circuit, a
 * recovering error hook, the retry stage's "already applied"). A value set by middleware
 * is checked like a body, so a call typed `Promise<ApiToken>` resolves an ApiToken or
 * rejects; it never resolves whatever a hook made up.
 */
export function responseStage(schema: v.GenericSchema): Middleware {
  return async (ctx, next) => {
    await next();
    const given = ctx.result !== undefined;
    if (!given && ctx.response === undefined) {
      throw new LosantResponseError(
        `${ctx.action}: neither a response nor a result (a middleware swallowed an error?)`,
        errorContextOf(ctx),
      );
    }
    const parsed = v.safeParse(schema, given ? ctx.result : ctx.response?.body);
    if (parsed.success) {
      ctx.result = parsed.output;
      return;
    }
    const issue = parsed.issues[0];
    const where = issue.path?.map((p) => String(p.key)).join(".") || (given ? "result" : "body");
    const what = given ? `${ctx.action}'s result from middleware has` : (
      `${ctx.method} ${ctx.path} answered with`
    );
    throw new LosantResponseError(
      `${what} an unexpected shape: ${where}: expected ${issue.expected}`,
      errorContextOf(ctx, { statusCode: ctx.response?.status }),
    );
  };
}
