/**
 * Compile-time ties between a documented interface and the schema that checks it: an
 * exported schema is typed by its interface (JSR needs explicit types, and hover shows the
 * interface's docs), so `Tie<Same<...>>` on the untyped schema fails to compile when the
 * two drift apart.
 */

/** `true` when A and B are assignable both ways. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only for `true`. */
export type Tie<T extends true> = T;
