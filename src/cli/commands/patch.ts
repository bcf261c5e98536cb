import { Option } from "commander";
import { type ApiTokenPatch, patchToken } from "../../../mod.ts";
import { checkIds, collect, oneInstance } from "../args.ts";
import { EXIT, UsageError } from "../exit-codes.ts";
import type { CliCommand } from "../command.ts";
import { outputFlags } from "../flags.ts";
import { describeToken, printJson, publicToken } from "../output.ts";

interface PatchOptions {
  instance?: string[];
  name?: string;
  description?: string;
  status?: "active" | "inactive";
  defaultRole?: string;
  body?: string;
  json?: boolean;
}

/** The patch body from the flags; `--body` JSON first, single-field flags over it. */
export function patchBody(options: PatchOptions): ApiTokenPatch {
  let body: Record<string, unknown> = {};
  if (options.body !== undefined) {
    try {
      body = JSON.parse(options.body);
    } catch {
      throw new UsageError("--body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new UsageError("--body must be a JSON object");
    }
  }
  if (options.name !== undefined) body.name = options.name;
  if (options.description !== undefined) body.description = options.description;
  if (options.status !== undefined) body.status = options.status;
  if (options.defaultRole !== undefined) body.defaultRole = options.defaultRole;
  if (Object.keys(body).length === 0) {
    throw new UsageError(
      "nothing to change: pass --name, --description, --status, --default-role or --body",
    );
  }
  return body as ApiTokenPatch;
}

/** `losant-tokens patch <apiTokenId> --instance <id> --status inactive ...`. */
export const patchCommand: CliCommand = {
  register(program, cli) {
    const cmd = program
      .command("patch")
      .description("change one token's name, description, status or default role")
      .argument("<apiTokenId>", "the token to change")
      .option("--instance <id>", "the instance the token belongs to", collect)
      .option("--name <name>", "new name")
      .option("--description <text>", "new description")
      .addOption(new Option("--status <status>", "new status").choices(["active", "inactive"]))
      .addOption(
        new Option("--default-role <role>", "new default role")
          .choices(["admin", "edit", "collaborate", "view", "none"]),
      )
      .option("--body <json>", "the whole patch as JSON, e.g. '{\"orgRoles\":[...]}'");
    outputFlags(cmd, "print the updated token as JSON")
      .addHelpText(
        "after",
        `
Examples:
  $ losant-tokens patch 5f1c0a... --instance 5e9b2f... --status inactive
  $ losant-tokens patch 5f1c0a... --instance 5e9b2f... --name ci-build-old --json
  $ losant-tokens patch 5f1c0a... --instance 5e9b2f... --body '{"description":"rotated 2024-05"}'
  $ losant-tokens --embedded patch 0eb7c31d72589228fac0f8ba --instance 02ff152c0fdc7f12fa169e5e --status inactive`,
      )
      .action((apiTokenId: string, options: PatchOptions, cmd) =>
        cli.run(cmd, async ({ io, session, stops }) => {
          checkIds([apiTokenId], "apiTokenId");
          const apiToken = patchBody(options);
          const instanceId = await oneInstance(options, session.defaultInstances);
          const token = await patchToken(session.client, { instanceId, apiTokenId, apiToken }, {
            signal: stops.signal,
          });
          if (options.json) printJson(io, publicToken(token));
          else io.out(describeToken(token));
          return EXIT.ok;
        })
      );
  },
};
