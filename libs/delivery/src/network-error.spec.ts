import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent, errors, request } from 'undici';
import type { AttemptErrorKind } from './attempt-result.js';
import { AttemptTimeoutError, classifyNetworkError } from './network-error.js';

/** A Node system error as the runtime builds it: an Error with a string `code`. */
function systemError(code: string, message = `connect ${code} 127.0.0.1:1`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
}

describe('classifyNetworkError: by class and code', () => {
  const table: Array<[string, unknown, AttemptErrorKind]> = [
    ['our attempt timeout', new AttemptTimeoutError(10_000), 'timeout'],
    ['undici ConnectTimeoutError', new errors.ConnectTimeoutError(), 'timeout'],
    ['undici HeadersTimeoutError', new errors.HeadersTimeoutError(), 'timeout'],
    ['undici BodyTimeoutError', new errors.BodyTimeoutError(), 'timeout'],
    ['undici SocketError', new errors.SocketError('other side closed'), 'reset'],
    ['undici ClientClosedError', new errors.ClientClosedError(), 'reset'],
    ['ETIMEDOUT', systemError('ETIMEDOUT'), 'timeout'],
    ['ECONNREFUSED', systemError('ECONNREFUSED'), 'connection_refused'],
    ['EHOSTUNREACH', systemError('EHOSTUNREACH'), 'connection_refused'],
    ['ENETUNREACH', systemError('ENETUNREACH'), 'connection_refused'],
    ['ENOTFOUND', systemError('ENOTFOUND'), 'dns'],
    ['EAI_AGAIN', systemError('EAI_AGAIN'), 'dns'],
    ['ECONNRESET', systemError('ECONNRESET'), 'reset'],
    ['EPIPE', systemError('EPIPE'), 'reset'],
    ['CERT_HAS_EXPIRED', systemError('CERT_HAS_EXPIRED'), 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', systemError('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', systemError('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    ['a refused connect wrapped as a cause', new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }), 'connection_refused'],
    ['a timeout two causes deep', new Error('outer', { cause: new Error('middle', { cause: new AttemptTimeoutError(5) }) }), 'timeout'],
    ['an unknown code', systemError('EWHATEVER'), 'network'],
    ['a plain error', new Error('boom'), 'network'],
    // Classified by code only: words in a message mean nothing.
    ['a message that names a code', new Error('ECONNREFUSED timeout ENOTFOUND certificate'), 'network'],
    ['a string', 'ECONNRESET', 'network'],
    ['undefined', undefined, 'network'],
    ['null', null, 'network'],
    ['a numeric code', Object.assign(new Error('x'), { code: 111 }), 'network'],
  ];
  for (const [name, err, kind] of table) {
    it(`${name} -> ${kind}`, () => assert.equal(classifyNetworkError(err), kind));
  }

  it('stops following causes after a few levels (a cyclic cause cannot hang it)', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(classifyNetworkError(a), 'network');
  });
});

describe('classifyNetworkError: real failures on loopback', () => {
  let closedPort: number;
  let hanging: http.Server;
  let resetting: net.Server;
  const hangingSockets = new Set<net.Socket>();

  before(async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    hanging = http.createServer(() => undefined);
    hanging.on('connection', (s) => hangingSockets.add(s));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    resetting = net.createServer((s) => s.once('data', () => s.resetAndDestroy()));
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    for (const s of hangingSockets) s.destroy();
    await new Promise((r) => hanging.close(r));
    await new Promise((r) => resetting.close(r));
  });

  async function failure(url: string, opts: Parameters<typeof request>[1] = {}): Promise<unknown> {
    try {
      const res = await request(url, { method: 'POST', body: '{}', ...opts });
      await res.body.dump();
    } catch (err) {
      return err;
    }
    assert.fail(`${url} answered`);
  }

  it('a closed port is connection_refused', async () => {
    assert.equal(classifyNetworkError(await failure(`http://127.0.0.1:${closedPort}/`)), 'connection_refused');
  });

  it('an unresolvable .invalid host is dns', async () => {
    assert.equal(classifyNetworkError(await failure('http://hookrelay-test.invalid/hook')), 'dns');
  });

  it('no headers within the headers timeout is timeout', async () => {
    const dispatcher = new Agent({ headersTimeout: 100 });
    try {
      const err = await failure(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, { dispatcher });
      assert.ok(err instanceof errors.HeadersTimeoutError);
      assert.equal(classifyNetworkError(err), 'timeout');
    } finally {
      await dispatcher.close();
    }
  });

  it('an abort with our timeout reason is timeout', async () => {
    const controller = new AbortController();
    const pending = failure(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, { signal: controller.signal });
    controller.abort(new AttemptTimeoutError(1));
    assert.equal(classifyNetworkError(await pending), 'timeout');
  });

  it('a connection reset mid-request is reset', async () => {
    assert.equal(classifyNetworkError(await failure(`http://127.0.0.1:${(resetting.address() as AddressInfo).port}/`)), 'reset');
  });

  it('TLS spoken to a plain HTTP server is tls', async () => {
    assert.equal(classifyNetworkError(await failure(`https://127.0.0.1:${(hanging.address() as AddressInfo).port}/`)), 'tls');
  });
});
