/** The error body every Losant endpoint answers with (error.json). */
export interface ErrorBody {
  type: string;
  message: string;
}

const TYPES: Readonly<Record<number, string>> = {
  400: "Validation",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  429: "TooManyRequestsError",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/**
 * The `type` Losant uses for an HTTP status, for bodies the fake invents (faults).
 *
 * @example
 * ```ts
 * errorTypeFor(429); // 'TooManyRequestsError'
 * ```
 */
export function errorTypeFor(status: number): string {
  return TYPES[status] ?? (status >= 500 ? "ServerError" : "Error");
}

/**
 * An `{ type, message }` body for a status, with a default message.
 *
 * @example
 * ```ts
 * errorBody(503); // { type: 'ServiceUnavailable', message: 'Injected fault: HTTP 503' }
 * ```
 */
export function errorBody(
  status: number,
  message: string = `Injected fault: HTTP ${status}`,
): ErrorBody {
  return { type: errorTypeFor(status), message };
}
