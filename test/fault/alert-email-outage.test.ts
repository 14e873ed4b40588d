import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { TestSmtpServer } from '../support/smtp.js';
import { waitUntil } from '../support/test-env.js';

describe('alert email through an SMTP outage', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let smtp: TestSmtpServer;

  before(async () => {
    receiver = await TestReceiver.start();
    // Nothing listens on the port yet: every send is refused at connect.
    smtp = TestSmtpServer.stopped(await TestSmtpServer.freePort());
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '0.05', ENDPOINT_FAILING_ALERT_AFTER: '1', SMTP_URL: smtp.url(), ALERT_OUTBOX_POLL_MS: '100' } });
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
    await smtp?.close();
  });

  const emailRows = () => platform.query<{ endpoint_id: string; status: string; attempts: number; last_error: string | null }>(`SELECT endpoint_id, status, attempts, last_error FROM alert_outbox WHERE channel = 'email' ORDER BY endpoint_id`);

  it('SMTP down, then refusing, then up: each email arrives exactly once', async () => {
    const tenant = await platform.createTenant();
    assert.equal((await tenant.client.patch('/v1/settings', { alertEmails: ['ops@example.com'] })).status, 200);
    receiver.on('/a', { status: 500 });
    receiver.on('/b', { status: 500 });
    const a = (await tenant.client.post('/v1/endpoints', { url: receiver.url('/a'), eventTypes: ['order.*'] })).body;
    const b = (await tenant.client.post('/v1/endpoints', { url: receiver.url('/b'), eventTypes: ['order.*'] })).body;
    assert.equal((await tenant.client.post('/v1/events', { type: 'order.paid', data: {} })).status, 202);

    // Both endpoints failing: two emails wait in the outbox, retried while nothing listens.
    await waitUntil(async () => {
      const rows = await emailRows();
      return rows.length === 2 && rows.every((r) => r.status === 'pending' && r.attempts >= 2 && r.last_error !== null) && rows;
    }, 20_000, 'two emails retried while SMTP is down');

    // A server that is up but turns connections away.
    smtp.refuse = true;
    await smtp.listen();
    const attempts = (await emailRows()).map((r) => r.attempts);
    await waitUntil(async () => {
      const rows = await emailRows();
      return rows.every((r, i) => r.status === 'pending' && r.attempts > attempts[i]!) && rows;
    }, 20_000, 'emails retried while SMTP refuses');
    assert.equal(smtp.mails.length, 0);

    smtp.refuse = false;
    await smtp.waitFor(2, 30_000);
    await waitUntil(async () => (await emailRows()).every((r) => r.status === 'done'), 15_000, 'both rows done');
    // Nothing is pending any more, so nothing more can be sent: exactly one email per endpoint.
    assert.equal(smtp.mails.length, 2);
    const subjects = smtp.mails.map((m) => m.subject).sort();
    assert.deepEqual(subjects, [a.url, b.url].map((u: string) => `[Hookrelay] Endpoint is failing: ${u}`).sort());
    for (const m of smtp.mails) assert.ok(m.text.length > 0 && m.html.length > 0);
  });
});
