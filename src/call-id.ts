// A random per-process prefix and a counter: unique enough to tell calls apart in server
// logs, and far cheaper per call than crypto.randomUUID().
const prefix = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
let counter = 0;

/** A new id for a call; its attempts send `x-request-id: <callId>-<attempt>`. */
export function nextCallId(): string {
  counter += 1;
  return `${prefix}${counter.toString(36).padStart(4, "0")}`;
}
