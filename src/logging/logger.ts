/**
 * The logger the library writes to: pino's level methods, so a pino logger fits as is, and
 * so does any object with the same methods (a console wrapper, a test double).
 */
export interface Logger {
  /** Writes a debug record: one per attempt, and a call the caller aborted. */
  debug(record: object, message?: string): void;
  /** Writes an info record: a batch job's progress and summary. */
  info(record: object, message?: string): void;
  /** Writes a warning: each retry (with its error and delay), a listener that threw. */
  warn(record: object, message?: string): void;
  /** Writes an error record: a call that failed after its last attempt. */
  error(record: object, message?: string): void;
  /** pino's: when present, a disabled level costs no record at all. */
  isLevelEnabled?(level: string): boolean;
}

/** The level names the library logs at, quietest last. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const noop = (): void => {};

/**
 * The default: a logger that drops everything. The pipeline recognises it when it is built
 * and leaves the logging stages out, so a silent client pays nothing per call.
 *
 * @example
 * const client = createClient({ accessToken, logger: silentLogger }); // same as no logger
 */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  isLevelEnabled: () => false,
});

/**
 * Whether `value` has the four level methods the library calls.
 *
 * @example
 * isLogger(pino()); // true
 * isLogger(console); // true
 * isLogger({}); // false
 */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== "object" || value === null) return false;
  const l = value as Record<string, unknown>;
  return typeof l.debug === "function" && typeof l.info === "function" &&
    typeof l.warn === "function" && typeof l.error === "function";
}

/**
 * Whether a level would be written. Asked before a record is built, so a disabled level
 * costs one call. pino's `level: "silent"` answers false for every level; a logger without
 * `isLevelEnabled` is assumed to want everything.
 *
 * @example
 * if (enabled(logger, "debug")) logger.debug(buildRecord(ctx));
 */
export function enabled(logger: Logger, level: LogLevel): boolean {
  if (logger === silentLogger) return false;
  return typeof logger.isLevelEnabled === "function" ? logger.isLevelEnabled(level) : true;
}

/**
 * The client's logger, or undefined when it would never write anything, so callers can
 * decide once (at pipeline-build time) to leave logging out.
 *
 * @example
 * const logger = activeLogger(coreOf(client).logger);
 * if (logger) stages.push(attemptLoggingStage(logger));
 */
export function activeLogger(logger: unknown): Logger | undefined {
  if (logger === undefined || logger === silentLogger || !isLogger(logger)) return undefined;
  return logger;
}
