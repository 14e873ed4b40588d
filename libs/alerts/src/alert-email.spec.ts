import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, renderAlertEmail } from './alert-email.js';
import type { AlertData, AlertKind } from './alert-outbox.repository.js';

const data: AlertData = {
  endpointId: '01a209c6-3248-7610-8a0e-5e19ebaea253',
  url: 'https://example.com/hooks?a=1&b=<2>',
  reason: 'HTTP 503: <script>alert(1)</script>',
  lastResponseStatus: 503,
  consecutiveFailures: 4,
  failingSince: '2026-12-01T00:00:00.000Z',
  at: '2026-12-01T01:00:00.000Z',
};

describe('escapeHtml', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['<b>&"\'', '&lt;b&gt;&amp;&quot;&#39;'],
    ['a&amp;b', 'a&amp;amp;b'],
  ];
  for (const [input, out] of cases) it(`${JSON.stringify(input)} -> ${JSON.stringify(out)}`, () => assert.equal(escapeHtml(input), out));
});

describe('renderAlertEmail', () => {
  const kinds: Array<[AlertKind, RegExp, RegExp]> = [
    ['endpoint.failing', /is failing/, /Failing since: 2026-12-01T00:00:00.000Z/],
    ['endpoint.disabled', /was disabled/, /PATCH \/v1\/endpoints\/01a209c6-3248-7610-8a0e-5e19ebaea253 \{"status": "active"\}/],
    ['endpoint.recovered', /has recovered/, /Delivered again at/],
  ];
  for (const [kind, subject, text] of kinds) {
    it(`${kind}: subject, text and escaped HTML`, () => {
      const m = renderAlertEmail(kind, data);
      assert.match(m.subject, subject);
      assert.match(m.text, text);
      assert.match(m.text, /Last response: HTTP 503/);
      assert.match(m.text, /<script>alert\(1\)<\/script>/, 'text is not escaped');
      assert.ok(!m.html.includes('<script>'), 'no tenant or receiver text reaches the HTML unescaped');
      assert.match(m.html, /&lt;script&gt;/);
      assert.match(m.html, /a=1&amp;b=&lt;2&gt;/);
    });
  }
  it('names the error kind when no response came', () => {
    const { lastResponseStatus: _, ...rest } = data;
    assert.match(renderAlertEmail('endpoint.failing', { ...rest, lastErrorKind: 'timeout' }).text, /Last response: no response \(timeout\)/);
  });
});
