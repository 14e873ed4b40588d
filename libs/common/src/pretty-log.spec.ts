import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, PinoNestLogger } from './logger.js';
import { formatPrettyLine } from './pretty-log.js';

const at = new Date(2026, 10, 23, 18, 58, 38, 696).getTime();

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('pretty logs (LOG_FORMAT=pretty)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'a message with its fields, without the correlation ids',
      { level: 30, time: at, pid: 1, hostname: 'h', name: 'worker', msg: 'delivered order.completed to http://127.0.0.1:4000/webhooks', status: 200, durationMs: 33, deliveryId: 'd1', tenantId: 't1', eventId: 'e1', endpointId: 'p1' },
      '18:58:38.696 INFO  delivered order.completed to http://127.0.0.1:4000/webhooks status=200 durationMs=33 deliveryId=d1',
    ],
    ['a Nest context', { level: 40, time: at, msg: 'slow', context: 'RoutesResolver' }, '18:58:38.696 WARN  [RoutesResolver] slow'],
    ['values that need quoting', { level: 50, time: at, msg: 'x', reason: 'HTTP 503', q: 'a"b', obj: { a: 1 }, n: null }, '18:58:38.696 ERROR x reason="HTTP 503" q="a\\"b" obj={"a":1} n=null'],
  ];
  for (const [what, record, expected] of cases) {
    it(`writes ${what} on one line`, () => {
      assert.equal(formatPrettyLine(JSON.stringify(record)), `${expected}\n`);
    });
  }

  it('puts a stack trace, and only that, on lines of its own under the record', () => {
    const stack = 'Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)';
    assert.equal(formatPrettyLine(JSON.stringify({ level: 50, time: at, msg: 'request failed', err: { type: 'Error', message: 'boom', stack } })), '18:58:38.696 ERROR request failed err="Error: boom"\n    at f (a.js:1:1)\n    at g (b.js:2:2)\n');
  });

  it('passes a line that is not JSON through', () => {
    assert.equal(formatPrettyLine('plain text'), 'plain text\n');
  });

  it('a pretty logger still redacts, and a json logger writes JSON', () => {
    const pretty = sink();
    createLogger('info', 'api', pretty.stream, 'pretty').info({ apiKey: 'whk_secret', n: 1 }, 'made a key');
    assert.match(pretty.text(), /^\d\d:\d\d:\d\d\.\d{3} INFO  made a key apiKey=\[redacted\] n=1\n$/);
    const json = sink();
    createLogger('info', 'api', json.stream).info({ n: 1 }, 'hello');
    assert.equal(JSON.parse(json.text()).msg, 'hello');
  });

  it("logs Nest's start-up narration (modules, route mapping) at debug and the rest at info", () => {
    const out = sink();
    const nest = new PinoNestLogger(createLogger('info', 'api', out.stream));
    nest.log('Mapped {/v1/events, POST} route', 'RouterExplorer');
    nest.log('ApiModule dependencies initialized', 'InstanceLoader');
    nest.log('Starting Nest application...', 'NestFactory');
    assert.equal(out.text(), '', 'nothing at info');
    nest.log('something the app says', 'DeliveryProcessor');
    assert.equal(JSON.parse(out.text()).msg, 'something the app says');
    const debug = sink();
    new PinoNestLogger(createLogger('debug', 'api', debug.stream)).log('Mapped {/v1/events, POST} route', 'RouterExplorer');
    assert.equal(JSON.parse(debug.text()).level, 20);
  });
});
