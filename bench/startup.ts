/**
 * Start-up: how long importing the library takes in a fresh Node process, ours against the
 * official client, interleaved rounds, medians. Ours is measured as npm users load it, from
 * dist/ (`npm run build` first); without dist/ it falls back to the TypeScript sources
 * through tsx, which is slower and says so in the table. Our three runtime dependencies are
 * timed alone too, to show where our time goes.
 *
 * Usage: node --import tsx bench/startup.ts   Env: BENCH_STARTUP_ROUNDS (15)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { envInt, markdownTable, median, ROOT, runJson, spread } from "./support.ts";

/** Import times of one module over the rounds. */
export interface StartupResult {
  module: string;
  importMs: number[];
}

interface Probe {
  module: string;
  args: string[];
}

function probes(): Probe[] {
  const timed = (specifier: string): string =>
    `const t = performance.now(); await import(${JSON.stringify(specifier)}); ` +
    `console.log(JSON.stringify({ ms: performance.now() - t }));`;
  const dist = join(ROOT, "dist", "mod.js");
  const ours: Probe = existsSync(dist)
    ? { module: "losant-tokens (dist/mod.js)", args: ["--input-type=module", "-e", timed(dist)] }
    : {
      module: "losant-tokens (mod.ts via tsx: no dist/)",
      args: ["--import", "tsx", "--input-type=module", "-e", timed(join(ROOT, "mod.ts"))],
    };
  const alone = (specifier: string): Probe => ({
    module: specifier,
    args: ["--input-type=module", "-e", timed(specifier)],
  });
  return [ours, alone("losant-rest"), alone("ky"), alone("valibot"), alone("p-retry")];
}

/** Imports each module in `rounds` fresh processes, alternating between them. */
export async function measureStartup(
  rounds = envInt("BENCH_STARTUP_ROUNDS", 15),
): Promise<StartupResult[]> {
  const list = probes();
  const results = list.map((p) => ({ module: p.module, importMs: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < list.length; i++) {
      const { ms } = await runJson<{ ms: number }>(list[i]!.args);
      results[i]!.importMs.push(ms);
    }
  }
  return results;
}

/** The start-up table in markdown, with the ratio to losant-rest. */
export function startupTable(results: readonly StartupResult[]): string {
  const peer = results.find((r) => r.module === "losant-rest");
  const peerMs = peer === undefined ? undefined : median(peer.importMs);
  return markdownTable(
    ["module", "import ms (median)", "spread", "vs losant-rest"],
    results.map((r) => [
      r.module,
      median(r.importMs).toFixed(1),
      spread(r.importMs, 1),
      peerMs === undefined ? "–" : `${(median(r.importMs) / peerMs).toFixed(2)}×`,
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(startupTable(await measureStartup()));
}
