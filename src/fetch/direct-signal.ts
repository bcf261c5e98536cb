/**
 * The mark of a fetch that takes its AbortSignal from its own init, reliably, for the whole
 * exchange body included: the transport then passes the attempt's signal to it directly and
 * skips ky's signal handling. A registered symbol, so the core can read the mark without
 * importing the fetch that carries it (and undici with it).
 */
export const DIRECT_SIGNAL: unique symbol = Symbol.for("losant-tokens.fetch.directSignal");
