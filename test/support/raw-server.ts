/**
 * A raw node:http server on loopback for transport suites: the handler answers as a test
 * wants (a stall, a bomb, a reset), and the server counts connections and requests. node:http
 * is Node's API, which Deno and Bun also implement. `close()` destroys open sockets first, so a
 * keep-alive connection cannot hold the suite open.
 *
 * @example
 * const srv = await serve((_req, res) => res.end("{}"));
 * await fetch(srv.url); // srv.requests() === 1
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function serve(handler: Handler) {
  const sockets = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    handler(req, res);
  });
  server.on("connection", (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
