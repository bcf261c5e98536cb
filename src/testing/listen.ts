import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A listening HTTP server and the way to stop it completely. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every open socket (idempotent). */
  close(): Promise<void>;
}

/**
 * Serves a fetch handler on a real socket through node:http (which Node, Deno and Bun all
 * provide). It never replaces the process's global Request/Response
 * (`overrideGlobalObjects: false`).
 *
 * @example
 * ```ts
 * const listening = await listen(app.fetch, { port: 0, hostname: "127.0.0.1" });
 * await listening.close();
 * ```
 */
export async function listen(
  fetch: (request: Request, env: never) => Response | Promise<Response>,
  { port, hostname }: { port: number; hostname: string },
): Promise<Listening> {
  const server = createAdaptorServer({
    fetch: fetch as Parameters<typeof createAdaptorServer>[0]["fetch"],
    overrideGlobalObjects: false,
  }) as Server;
  // Tracked by hand as well: not every runtime's node:http has closeAllConnections.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
