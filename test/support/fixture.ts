import { type Client, type ClientOptions, createClient } from "../../mod.ts";
import { type FakeLosant, startFakeLosant } from "../../src/testing/mod.ts";

/** A seeded server, an all-scope access token, and a client for it. */
export interface Fixture {
  server: FakeLosant;
  accessToken: string;
  client: Client;
  instanceId: string;
  /** A token of `instanceId` to act on. */
  apiTokenId: string;
  /** A client for the same server with another access token. */
  clientWith(scopes: string[], options?: Partial<ClientOptions>): Client;
}

/** Starts a fresh server; call `server.close()` when done. */
export async function startFixture(options: Partial<ClientOptions> = {}): Promise<Fixture> {
  const server = await startFakeLosant({ seed: { instances: 2, tokensPerInstance: 5 } });
  const { token: accessToken } = server.issueAccessToken(["all.Instance"]);
  const instanceId = server.instanceIds[0];
  const apiTokenId = server.store.listTokens(instanceId)[0].id;
  const clientWith = (scopes: string[], more: Partial<ClientOptions> = {}) =>
    createClient({
      accessToken: server.issueAccessToken(scopes).token,
      url: server.url,
      retry: false,
      ...more,
    });
  const client = createClient({ accessToken, url: server.url, retry: false, ...options });
  return { server, accessToken, client, instanceId, apiTokenId, clientWith };
}
