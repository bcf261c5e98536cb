/** A source of uniformly distributed numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/**
 * mulberry32: a tiny 32-bit PRNG, so a seed reproduces the same fake instances
 * on every runtime without pulling in a dependency.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random(); // same number on every run
 * ```
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Picks one element of a non-empty list.
 *
 * @example
 * ```ts
 * pick(mulberry32(1), ['a', 'b']); // 'a' or 'b'
 * ```
 */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * An integer in [min, max], both inclusive.
 *
 * @example
 * ```ts
 * intBetween(Math.random, 1, 6); // a die roll
 * ```
 */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
