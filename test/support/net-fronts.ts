/**
 * Loopback stand-ins for what sits between a client and a private Losant install, for the
 * default-fetch suites: a forward proxy, an HTTPS front with the test certificate
 * (test/support/tls/, self-signed for 127.0.0.1, valid until 2126), and a child process of the
 * runtime under test. node:http, node:net and node:https only, so they run on Node, Deno and Bun.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Finished, startProgram } from "./spawn-cli.ts";

const RUNTIME = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";

/** The test CA's certificate file, for NODE_EXTRA_CA_CERTS. */
export const CERT_FILE: string = fileURLToPath(new URL("./tls/cert.pem", import.meta.url));
/** The test CA's certificate, PEM (also the HTTPS front's own certificate). */
export const CERT: string = readFileSync(CERT_FILE, "utf8");

/** A server that stays up for one test; `close` also ends kept-alive and tunnelled sockets. */
export interface Front {
  url: string;
  close(): Promise<void>;
}

/** An HTTPS front for `target` (an http: URL) with the test certificate. */
export async function tlsFront(target: string): Promise<Front> {
  const key = readFileSync(new URL("./tls/key.pem", import.meta.url), "utf8");
  const to = new URL(target);
  const front = https.createServer({ cert: CERT, key }, (req, res) => {
    const options = { host: to.hostname, port: to.port, path: req.url, method: req.method };
    const upstream = http.request({ ...options, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  return await listening(front, "https");
}

/** A forward proxy; `seen` lists what it was asked for, e.g. `CONNECT 127.0.0.1:4000`. */
export interface Proxy extends Front {
  seen: string[];
}

/**
 * An HTTP proxy: CONNECT tunnels (what undici's proxy agents use, http: targets included)
 * and absolute-form requests (what Deno's and Bun's fetch send for http: targets).
 */
export async function forwardProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const tunnels = new Set<net.Socket>();
  const proxy = http.createServer((req, res) => {
    const target = new URL(req.url!);
    seen.push(`${req.method} ${target.host}`);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (a) => {
      res.writeHead(a.statusCode ?? 502, a.headers);
      a.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Uint8Array) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      tunnels.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => tunnels.delete(socket));
    }
  });
  const front = await listening(proxy, "http", () => {
    for (const socket of tunnels) socket.destroy();
  });
  return { ...front, seen };
}

async function listening(
  server: http.Server,
  scheme: string,
  beforeClose: () => void = () => {},
): Promise<Front> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs an ES module source on the runtime under test from the repository root (so
 * `import("./mod.ts")` is the sources): Node with tsx, `deno eval`, `bun -e`. `env` adds to
 * this process's environment; an undefined value removes the variable (an empty one is not
 * the same: undici reads an empty `http_proxy` as "no proxy", ahead of `HTTP_PROXY`). Async:
 * the servers it talks to live in this process.
 */
export function runScript(
  source: string,
  env: Record<string, string | undefined>,
): Promise<Finished> {
  const args = RUNTIME === "deno"
    ? ["eval", source]
    : RUNTIME === "bun"
    ? ["-e", source]
    : ["--import", "tsx", "--input-type=module", "-e", source];
  return startProgram(process.execPath, args, { env, timeoutMs: 60_000 }).done;
}
