/**
 * Loops instead of spreads: `Math.max(...xs)` and `a.push(...xs)` pass every element as an
 * argument, and past about 100k elements that throws "Maximum call stack size exceeded".
 * A store decides how long these arrays are, so the engine never spreads them.
 */

/** `to.push(...from)` for any length. */
export function pushAll<T>(to: T[], from: readonly T[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

/** The largest of `start` and every `f(x)`. */
export function maxOf<T>(xs: readonly T[], f: (x: T) => number, start = -Infinity): number {
  let m = start;
  for (let i = 0; i < xs.length; i++) {
    const v = f(xs[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** The smallest of `start` and every `f(x)`. */
export function minOf<T>(xs: readonly T[], f: (x: T) => number, start = Infinity): number {
  let m = start;
  for (let i = 0; i < xs.length; i++) {
    const v = f(xs[i]!);
    if (v < m) m = v;
  }
  return m;
}
