// A random per-process prefix and a counter: unique enough to tell calls apart in server
// logs, and far cheaper per call than crypto.randomUUID().
const prefix = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
let counter = 0;

/** A new id for a call; its attempts send `x-request-id: <callId>-<attempt>`. */
export function nextCallId(): string {
  counter += 1;
  return `${prefix}${counter.toString(36).padStart(4, "0")}`;
}

/**
 * The `x-request-id` an attempt of a call sends, and the one errors, events and log lines
 * carry to find it in server logs: the one place that spells it.
 *
 * @example
 * requestIdOf("1a2b3c4d000f", 2); // "1a2b3c4d000f-2"
 */
export function requestIdOf(callId: string, attempt: number): string {
  return `${callId}-${attempt}`;
}
