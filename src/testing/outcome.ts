import { errorBody } from "./http-errors.ts";

/** What a route decided to answer, before any fault shapes how it is sent. */
export interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A request body as received: the text, and its JSON value when it parses. */
export interface ParsedBody {
  raw: string | undefined;
  json: unknown;
  isJson: boolean;
}

/**
 * An error outcome with Losant's `{ type, message }` body.
 *
 * @example
 * ```ts
 * fail(404, "API token was not found"); // { status: 404, body: { type: 'NotFound', … } }
 * ```
 */
export function fail(status: number, message: string, type?: string): Outcome {
  const body = errorBody(status, message);
  return { status, body: type === undefined ? body : { ...body, type } };
}

/**
 * Parses a request body's text; a body that is not JSON is kept as text (the route answers 400).
 *
 * @example
 * ```ts
 * parseBody('{"name":"x"}').isJson; // true
 * ```
 */
export function parseBody(raw: string | undefined): ParsedBody {
  const body: ParsedBody = { raw: raw || undefined, json: undefined, isJson: false };
  if (body.raw === undefined) return body;
  try {
    body.json = JSON.parse(body.raw);
    body.isJson = true;
  } catch {
    // Not JSON: logged as text.
  }
  return body;
}
