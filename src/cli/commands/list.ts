import { Option } from "commander";
import { type ApiToken, listTokens, type ListTokensParams } from "../../../mod.ts";
import { resolveInstances } from "../args.ts";
import type { CliCommand } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { instanceFlags, outputFlags } from "../flags.ts";
import { printJson, printNdjson, publicToken, tokenTable } from "../output.ts";

interface ListOptions {
  instance?: string[];
  instancesFile?: string;
  filter?: string;
  status?: "active" | "inactive";
  sort?: ListTokensParams["sortField"];
  json?: boolean;
  ndjson?: boolean;
}

/**
 * `losant-tokens list`: the tokens of one or more instances, filtered by name glob and
 * status: a table, `--json` (one array) or `--ndjson` (one token per line, as read). A
 * reader that goes away (`| head -1`) stops the listing.
 */
export const listCommand: CliCommand = {
  register(program, cli) {
    const cmd = instanceFlags(
      program.command("list").description("list the tokens of one or more instances"),
      "an instance to list",
    )
      .option("--filter <glob>", "only tokens whose name matches, e.g. 'ci-*'")
      .addOption(
        new Option("--status <status>", "only active or inactive tokens").choices([
          "active",
          "inactive",
        ]),
      )
      .addOption(
        new Option("--sort <field>", "sort field")
          .choices(["name", "status", "id", "creationDate", "lastUpdated", "expirationDate"])
          .default("name"),
      );
    outputFlags(
      cmd,
      "print one JSON array of tokens (each with its instanceId)",
      "print one JSON token per line as they are read",
    )
      .addHelpText(
        "after",
        `
Examples:
  $ losant-tokens list --instance 5e9b2f...
  $ losant-tokens list --instances-file prod-instances.txt --filter 'ci-*' --status active
  $ losant-tokens list --instance 5e9b2f... --ndjson | jq -r .name
  $ losant-tokens --embedded list --filter 'ci-*'`,
      )
      .action((options: ListOptions, cmd) =>
        cli.run(cmd, async ({ io, session, stops }) => {
          const instances = await resolveInstances(options, session.defaultInstances);
          const rows: { instanceId: string; token: ApiToken }[] = [];
          for (const instanceId of instances) {
            const params: ListTokensParams = { instanceId, sortField: options.sort };
            // The API filters on one field; a name glob is the narrower, status is checked here.
            if (options.filter !== undefined) {
              Object.assign(params, { filterField: "name", filter: options.filter });
            } else if (options.status !== undefined) {
              Object.assign(params, { filterField: "status", filter: options.status });
            }
            const tokens = listTokens(session.client, params, { signal: stops.signal });
            for await (const token of tokens) {
              if (options.status !== undefined && token.status !== options.status) continue;
              const row = { instanceId, token: publicToken(token) };
              if (options.ndjson) printNdjson(io, { instanceId, ...row.token });
              else rows.push(row);
            }
          }
          if (options.json) {
            printJson(io, rows.map((r) => ({ instanceId: r.instanceId, ...r.token })));
          } else if (!options.ndjson) {
            io.out(tokenTable(rows));
            io.err(`${rows.length} token(s) in ${instances.length} instance(s)\n`);
          }
          return EXIT.ok;
        })
      );
  },
};
