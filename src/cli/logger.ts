import pino, { type Logger as PinoLogger } from "pino";

/**
 * The CLI's own pino logger: JSON lines on stderr, so stdout stays the command's output.
 * The library never hands it a secret; the redact paths are a second line of defence for
 * anything that might be logged around it.
 *
 * @example
 * const logger = createCliLogger(options.verbose ? "debug" : "warn");
 */
export function createCliLogger(level: string): PinoLogger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["*.authorization", "headers.authorization", "*.token", "token"],
        censor: "[redacted]",
      },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
