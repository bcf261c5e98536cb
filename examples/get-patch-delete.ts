/**
 * The three single-token actions: read a token, deactivate it, delete it, and handle the
 * 404 a second delete gets.
 *
 * Run: `npx tsx examples/get-patch-delete.ts` (embedded server), or with LOSANT_API_TOKEN,
 * LOSANT_INSTANCE_IDS and LOSANT_EXAMPLES_MAY_CHANGE_TOKENS=yes set, against your account
 * (it deletes the first listed token!).
 */
import {
  createClient,
  deleteToken,
  getToken,
  listTokensPage,
  LosantApiError,
  patchToken,
} from "../mod.ts";
import { connect } from "./support/connect.ts";

const target = await connect();
try {
  const client = createClient({ accessToken: target.accessToken, url: target.url });
  const instanceId = target.instanceIds[0];
  const page = await listTokensPage(client, { instanceId, perPage: 1 });
  const apiTokenId = page.items[0].id;

  const token = await getToken(client, { instanceId, apiTokenId });
  console.log(`got ${token.id} "${token.name}" (${token.status})`);

  const patched = await patchToken(client, {
    instanceId,
    apiTokenId,
    apiToken: { status: "inactive", description: "deactivated by the example" },
  });
  console.log(`patched: status ${patched.status}, description "${patched.description}"`);

  const deleted = await deleteToken(client, { instanceId, apiTokenId });
  console.log(`deleted: success ${deleted.success}`);

  try {
    await deleteToken(client, { instanceId, apiTokenId });
  } catch (error) {
    // The official client's statusCode and type, plus the request id to quote to support.
    if (error instanceof LosantApiError && error.statusCode === 404) {
      console.log(`second delete: ${error.statusCode} ${error.type} (request ${error.requestId})`);
    } else throw error;
  }
} finally {
  await target.close();
}
