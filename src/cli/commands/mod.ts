/**
 * Every command of the CLI, one line each: a module exporting a `CliCommand` (see
 * ../command.ts) is registered by adding its export here. Commands appear in `--help` in
 * the alphabetical order of these export names.
 *
 * @module
 */
export { auditCommand } from "./audit.ts";
export { bulkCommands } from "./bulk/register.ts";
export { getCommand } from "./get.ts";
export { listCommand } from "./list.ts";
export { patchCommand } from "./patch.ts";
export { rotateCommand } from "./rotate.ts";
