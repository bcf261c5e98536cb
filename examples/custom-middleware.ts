/**
 * Custom middleware: a request-id header of your own on every attempt, and a metrics hook
 * that times each call (retries included) by action and status.
 *
 * Run: `npx tsx examples/custom-middleware.ts`
 */
import {
  after,
  before,
  createClient,
  getToken,
  listTokensPage,
  type Middleware,
  perCall,
} from "../mod.ts";
import { connect } from "./support/connect.ts";

/** Adds `x-correlation-id` so the call can be found in your own proxy's logs. */
const correlationId = (prefix: string) =>
  before((ctx) => {
    ctx.headers["x-correlation-id"] = `${prefix}-${ctx.callId}-${ctx.attempt}`;
  });

/** A tiny metrics sink: count and total ms per action and outcome. */
const metrics = new Map<string, { count: number; totalMs: number }>();
const timing: Middleware = perCall(async (ctx, next) => {
  const started = performance.now();
  let outcome = "ok";
  try {
    await next();
  } catch (error) {
    outcome = (error as { statusCode?: number }).statusCode?.toString() ?? "error";
    throw error;
  } finally {
    const key = `${ctx.action} ${outcome}`;
    const m = metrics.get(key) ?? { count: 0, totalMs: 0 };
    m.count += 1;
    m.totalMs += performance.now() - started;
    metrics.set(key, m);
  }
});

const target = await connect();
try {
  const sent: string[] = [];
  const client = createClient({
    accessToken: target.accessToken,
    url: target.url,
    middleware: [
      correlationId("example"),
      timing,
      after((ctx) => void sent.push(ctx.headers["x-correlation-id"])),
    ],
  });
  const instanceId = target.instanceIds[0];
  const page = await listTokensPage(client, { instanceId, perPage: 3 });
  for (const token of page.items) await getToken(client, { instanceId, apiTokenId: token.id });
  await getToken(client, { instanceId, apiTokenId: "0".repeat(24) }).catch(() => {});

  console.log(`x-correlation-id sent: ${sent.join(", ")}`);
  for (const [key, m] of metrics) {
    console.log(`metric ${key}: ${m.count} call(s), avg ${(m.totalMs / m.count).toFixed(1)} ms`);
  }
} finally {
  await target.close();
}
