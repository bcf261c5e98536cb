import { requestIdOf } from "../call-id.ts";
import { LosantValidationError } from "../errors.ts";
import { HEADER_TEXT, HEADER_TEXT_MESSAGE } from "../schemas/input.ts";
import type { Middleware } from "../types.ts";

/** What the headers stage needs from the client's settings. */
export interface HeaderOptions {
  acceptVersion: string;
  losantdomain?: string;
  userAgent: string | false;
}

/**
 * Sets the headers the official client sends, per attempt so each carries its own
 * `x-request-id`. Authorization is not here: the transport adds it, so no middleware
 * and no context ever holds the access token.
 *
 * Headers a middleware set are checked here, last before the transport: fetch throws a
 * TypeError for a control or non-Latin-1 character, which would fail every attempt as a
 * network error and be retried; this fails the call at once, naming the header only.
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
    for (const name in headers) {
      if (!HEADER_TEXT.test(headers[name])) throw badHeader(name, ctx.action);
    }
    return next();
  };
}

function badHeader(name: string, action: string): LosantValidationError {
  return new LosantValidationError([{
    path: `headers.${name.slice(0, 40)}`,
    rule: "header",
    message: `${HEADER_TEXT_MESSAGE} (set by a middleware)`,
  }], { action });
}
