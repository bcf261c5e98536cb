/**
 * The known key a misspelt one most likely meant: the same key in another case (`dryrun` →
 * `dryRun`), else the closest by edit distance (a swap of two neighbours counts as one
 * edit) if it is close enough to be a typo (at most 1 edit for keys of up to 4
 * characters, 2 for longer ones), else a known key the unknown one contains (`baseUrl` →
 * `url`). Undefined when nothing is that close.
 *
 * @example
 * suggestKey("dryrun", ["dryRun", "signal"]); // "dryRun"
 * suggestKey("fitler", ["filter", "filterField"]); // "filter"
 * suggestKey("baseUrl", ["accessToken", "url"]); // "url"
 * suggestKey("colour", ["signal"]); // undefined
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined) return best;
  // `baseUrl` for `url`, `timeoutMs` for `timeout`: a known key inside the unknown one.
  return known.find((k) => k.length >= 3 && lower.includes(k.toLowerCase()));
}

/**
 * Optimal-string-alignment distance, stopping early once every path exceeds `cap` (keys
 * are short, but a hostile one may be a megabyte long).
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= cap) return cap;
    [prev2, prev] = [prev, row];
  }
  return prev[b.length];
}
