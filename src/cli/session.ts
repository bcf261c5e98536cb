import { type Client, createClient, withLogging } from "../../mod.ts";
import { startEmbedded } from "./embedded.ts";
import { UsageError } from "./exit-codes.ts";
import type { Io } from "./io.ts";
import { createCliLogger } from "./logger.ts";
import { readAccessToken, selfTokenId } from "./token-source.ts";

/** The options every command accepts (commander's program-level options). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
  embedded?: boolean;
  verbose?: boolean;
}

/** A command's connection: a client, and what the CLI knows about its own access token. */
export interface Session {
  readonly client: Client;
  /** The id of the CLI's own access token, when its JWT says (see `selfTokenId`). */
  readonly selfTokenId?: string;
  /** The embedded server's instances, the default selection under `--embedded`. */
  readonly defaultInstances?: readonly string[];
  /** Where the client points, for messages. */
  readonly url: string;
  readonly verbose: boolean;
  /** stdin carried the access token (`--token-file -`): no prompt can read it. */
  readonly stdinUsed: boolean;
  close(): Promise<void>;
}

/**
 * Opens the session a command runs in: the embedded server, or `--url`, else
 * `LOSANT_API_URL` (as losant-cli reads it), else https://api.losant.com; the access token
 * from its source; a pino logger on stderr when `--verbose` asks for one.
 *
 * @example
 * const session = await openSession({ embedded: true }, io);
 * try { await getToken(session.client, params); } finally { await session.close(); }
 */
export async function openSession(globals: GlobalOptions, io: Io): Promise<Session> {
  if (globals.embedded && globals.url !== undefined) {
    throw new UsageError("--embedded and --url cannot be used together");
  }
  const logger = globals.verbose ? createCliLogger("debug") : undefined;
  const logged = (client: Client): Client => logger ? withLogging(client, logger) : client;
  const verbose = globals.verbose === true;
  if (globals.embedded) {
    const embedded = await startEmbedded();
    io.err(
      `embedded server at ${embedded.server.url} (${embedded.instanceIds.length} instances)\n`,
    );
    const client = logged(createClient({
      accessToken: embedded.accessToken,
      url: embedded.server.url,
    }));
    return {
      client,
      selfTokenId: selfTokenId(embedded.accessToken),
      defaultInstances: embedded.instanceIds,
      url: embedded.server.url,
      verbose,
      stdinUsed: false,
      close: () => embedded.server.close(),
    };
  }
  const accessToken = await readAccessToken(globals, io);
  const url = globals.url ?? (io.env.LOSANT_API_URL?.trim() || undefined);
  const client = logged(createClient({
    accessToken,
    ...(url !== undefined ? { url } : {}),
  }));
  return {
    client,
    selfTokenId: selfTokenId(accessToken),
    url: client.url,
    verbose,
    stdinUsed: globals.tokenFile === "-",
    close: () => Promise.resolve(),
  };
}
