import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long requests already running may take to finish once the server closes. */
export const HTTP_DRAIN_GRACE_MS = 10_000;

/** Lets an HTTP server close promptly and gracefully. Node's `server.close()` closes only the
 * keep-alive connections idle at that moment and waits for every other one, including a connection
 * that never sent a request (a load balancer's pre-opened one, a TCP health check), for as long as
 * the client keeps it open, since closing also stops the headers timeout. Here, when the server
 * starts closing: connections with no request in flight are closed at once; one with a request in
 * flight is closed as soon as that response has been sent (Fastify already answers requests that
 * arrive while closing with 503 and `Connection: close`); whatever is left after `graceMs` is cut. */
export function drainOnClose(app: FastifyInstance, graceMs = HTTP_DRAIN_GRACE_MS): void {
  const inFlight = new Map<Socket, number>();
  let draining = false;

  // end() sends what is still buffered, then FIN; destroy once that is done.
  const settle = (socket: Socket) => {
    if (draining && (inFlight.get(socket) ?? 0) === 0) socket.end(() => socket.destroy());
  };
  app.server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
      // After the response has gone out, not in the middle of it.
      if (draining) setImmediate(() => settle(socket));
    });
  });
  app.addHook('preClose', async () => {
    draining = true;
    for (const socket of inFlight.keys()) settle(socket);
    setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
  });
}
