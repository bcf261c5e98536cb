/**
 * The known key a misspelt one most likely meant, by the typos people make: another case
 * (`dryrun` → `dryRun`), letters swapped (`fitler` → `filter`), one letter added, dropped
 * or changed (`timeot` → `timeout`), or a known key inside the unknown one (`baseUrl` →
 * `url`). Undefined when none fits. Cheap rules rather than an edit distance: this code
 * ships in every bundle that makes a client.
 *
 * @example
 * suggestKey("dryrun", ["dryRun", "signal"]); // "dryRun"
 * suggestKey("fitler", ["filter", "filterField"]); // "filter"
 * suggestKey("baseUrl", ["accessToken", "url"]); // "url"
 * suggestKey("colour", ["signal"]); // undefined
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const a = key.toLowerCase();
  const sorted = (s: string) => [...s].sort().join("");
  const rules: Array<(b: string) => boolean> = [
    (b) => b === a,
    (b) => sorted(b) === sorted(a),
    (b) => oneEdit(a, b),
    (b) => b.length >= 3 && a.includes(b),
  ];
  for (const rule of rules) {
    const found = known.find((k) => rule(k.toLowerCase()));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether `a` becomes `b` by adding, dropping or changing one character. */
function oneEdit(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = a.slice(i + 1);
  return rest === b.slice(i + 1) || rest === b.slice(i) || a.slice(i) === b.slice(i + 1);
}
