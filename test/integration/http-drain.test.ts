import assert from 'node:assert/strict';
import net, { type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { drainOnClose } from '#libs/common';

// drainOnClose on a real Fastify server on loopback, with raw sockets so that each case controls
// exactly what the client has sent when the server starts closing.
describe('HTTP drain on close', () => {
  async function server(graceMs = 5_000): Promise<{ app: FastifyInstance; port: number }> {
    const app = Fastify();
    drainOnClose(app, graceMs);
    app.get('/fast', async () => 'ok');
    app.post('/echo', async (req) => req.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, port: (app.server.address() as AddressInfo).port };
  }

  function connect(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      let data = '';
      const socket = net.connect(port, '127.0.0.1', () => resolve({ socket, received: () => data, closed }));
      const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
      socket.on('data', (c) => (data += c.toString()));
      socket.on('error', reject);
    });
  }

  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setTimeout(r, 10));
  };

  it('closes at once with a connection that never sent a request and an idle keep-alive one open', { timeout: 10_000 }, async () => {
    const { app, port } = await server();
    const silent = await connect(port);
    const idle = await connect(port);
    idle.socket.write('GET /fast HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await until(() => idle.received().endsWith('ok'));
    const t0 = Date.now();
    await app.close();
    assert.ok(Date.now() - t0 < 1_000, `close took ${Date.now() - t0} ms`);
    for (const c of [silent, idle]) assert.ok((await c.closed) - t0 < 1_000, 'the server closed the connection');
  });

  it('lets a request in flight finish, answers it, then closes its connection', { timeout: 10_000 }, async () => {
    const { app, port } = await server();
    const c = await connect(port);
    const body = '{"hello":"world"}';
    c.socket.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = app.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(c.received(), '', 'nothing answered yet: the request is still being sent');
    c.socket.write(body.slice(5));
    await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    assert.ok(c.received().endsWith(body), c.received());
    await closing;
  });

  it('cuts a request that does not finish within the grace period', { timeout: 10_000 }, async () => {
    const { app, port } = await server(300);
    const c = await connect(port);
    c.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await app.close();
    const took = Date.now() - t0;
    assert.ok(took >= 250 && took < 2_000, `close took ${took} ms`);
    assert.equal(c.received(), '');
    await c.closed;
  });
});
