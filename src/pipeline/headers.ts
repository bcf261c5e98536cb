import { requestIdOf } from "../call-id.ts";
import type { Middleware } from "../types.ts";

/** What the headers stage needs from the client's options. */
export interface HeaderOptions {
  acceptVersion: string;
  losantdomain?: string;
  userAgent: string | false;
}

/**
 * Sets the headers the official client sends, per attempt so each carries its own
 * `x-request-id`. Authorization is not here: the transport adds it, so no middleware
 * and no context ever holds the access token.
 */
export function headersStage(options: HeaderOptions): Middleware {
  const userAgent = options.userAgent === false ? undefined : options.userAgent;
  return (ctx, next) => {
    const headers = ctx.headers;
    headers["accept"] ??= "application/json";
    headers["accept-version"] ??= options.acceptVersion;
    const domain = (ctx.params.losantdomain as string | undefined) ?? options.losantdomain;
    if (domain !== undefined) headers["losantdomain"] = domain;
    if (userAgent !== undefined) headers["user-agent"] ??= userAgent;
    if (ctx.body !== undefined) headers["content-type"] = "application/json";
    headers["x-request-id"] = requestIdOf(ctx.callId, ctx.attempt);
    return next();
  };
}
