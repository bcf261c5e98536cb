/**
 * The fault property in a process of its own (started by test/batch-fault-property.test.ts):
 * FC_RUNS scenarios from FC_SEED, then "fault property held" on stderr, and then nothing:
 * no process.exit, so a timer or socket left behind by any run keeps the process alive and
 * the test sees it did not exit on its own.
 */
import process from "node:process";
import { runFaultProperty } from "./batch-fault-scenario.ts";

const runs = Number(process.env.FC_RUNS ?? 40);
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.error(`fault property: ${runs} runs, seed ${seed}`);
try {
  const held = await runFaultProperty(runs, seed);
  console.error(`fault property held: ${held} of ${runs} runs, seed ${seed}`);
} catch (error) {
  console.error(`fault property FAILED (seed ${seed}; replay with FC_SEED=${seed}):\n${error}`);
  process.exitCode = 1;
}
