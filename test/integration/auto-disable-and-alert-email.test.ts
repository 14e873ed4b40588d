import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DomainEvents, type EndpointDisabledEvent } from '#libs/domain-events';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { TestSmtpServer } from '../support/smtp.js';
import { waitUntil } from '../support/test-env.js';

describe('auto-disable, re-enable and alert email', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let smtp: TestSmtpServer;
  const disabledEvents: EndpointDisabledEvent[] = [];

  before(async () => {
    receiver = await TestReceiver.start();
    smtp = await TestSmtpServer.start();
    platform = await TestPlatform.start({
      env: {
        RETRY_SCHEDULE: '0.05',
        // 1.8 s of failed deliveries, at least 2 of them; the failing alert after the first.
        ENDPOINT_DISABLE_AFTER_HOURS: '0.0005',
        ENDPOINT_DISABLE_MIN_FAILURES: '2',
        ENDPOINT_FAILING_ALERT_AFTER: '1',
        SMTP_URL: smtp.url(),
        ALERT_EMAIL_FROM: 'Hookrelay Alerts <alerts@hookrelay.test>',
        ALERT_OUTBOX_POLL_MS: '100',
      },
    });
    platform.workerProvider(DomainEvents).on('endpoint.disabled', (e) => void disabledEvents.push(e));
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
    await smtp?.close();
  });

  /** One more failed delivery, waited for until the health flush has counted it. */
  async function failOnce(tenant: Tenant, endpointId: string): Promise<any> {
    const streak = (await tenant.client.get(`/v1/endpoints/${endpointId}`)).body.health.consecutiveFailures;
    const ev = await tenant.client.post('/v1/events', { type: 'order.paid', data: {} });
    assert.equal(ev.status, 202, ev.text);
    await waitUntil(async () => (await tenant.client.get(`/v1/deliveries?eventId=${ev.body.id}`)).body.data[0]?.status === 'failed', 15_000, 'the delivery failed');
    return waitUntil(async () => {
      const ep = (await tenant.client.get(`/v1/endpoints/${endpointId}`)).body;
      return ep.health.consecutiveFailures === streak + 1 && ep;
    }, 15_000, 'the failure counted');
  }

  it('tenant settings: alert emails are read and set, bad ones refused with nothing changed', async () => {
    const tenant = await platform.createTenant();
    assert.deepEqual((await tenant.client.get('/v1/settings')).body, { alertEmails: [] });
    const set = await tenant.client.patch('/v1/settings', { alertEmails: [' ops@example.com', 'OPS@example.com', 'oncall+hooks@example.org'] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body, { alertEmails: ['ops@example.com', 'oncall+hooks@example.org'] });
    const bad: Array<[unknown, RegExp]> = [
      [['not-an-email'], /email addresses/],
      [['a@example.com', 'b@'], /email addresses/],
      ['ops@example.com', /array/],
      [[42], /strings|email/],
      [Array.from({ length: 21 }, (_, i) => `u${i}@example.com`), /at most 20/],
    ];
    for (const [alertEmails, message] of bad) {
      const res = await tenant.client.patch('/v1/settings', { alertEmails });
      assert.equal(res.status, 400, `${JSON.stringify(alertEmails)}: ${res.text}`);
      assert.match(res.body.message, message);
    }
    assert.equal((await tenant.client.patch('/v1/settings', { alertEmails: [], extra: 1 })).status, 400, 'unknown fields are refused');
    assert.deepEqual((await tenant.client.get('/v1/settings')).body, { alertEmails: ['ops@example.com', 'oncall+hooks@example.org'] });
  });

  it('the admin sets alert emails on create and on PATCH /v1/admin/tenants/:id; bad input and unknown ids change nothing', async () => {
    const created = await platform.admin.post('/v1/admin/tenants', { name: 'Mailer', alertEmails: ['a@example.com'] });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.alertEmails, ['a@example.com']);
    assert.equal((await platform.admin.post('/v1/admin/tenants', { name: 'Bad', alertEmails: ['nope'] })).status, 400);
    const id = created.body.id;
    const patched = await platform.admin.patch(`/v1/admin/tenants/${id}`, { name: 'Mailer 2', alertEmails: ['b@example.com', 'c@example.com'] });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.name, patched.body.alertEmails], ['Mailer 2', ['b@example.com', 'c@example.com']]);
    const unchanged = async () => platform.query('SELECT name, alert_emails FROM tenants WHERE id = $1', [id]);
    const before = await unchanged();
    for (const [path, body, status] of [
      [`/v1/admin/tenants/${id}`, { alertEmails: ['x'] }, 400],
      [`/v1/admin/tenants/${id}`, { name: '' }, 400],
      ['/v1/admin/tenants/01a209c6-3248-7610-8a0e-5e19ebaea253', { name: 'ghost' }, 404],
      ['/v1/admin/tenants/not-a-uuid', { name: 'ghost' }, 404],
    ] as const) {
      const res = await platform.admin.patch(path, body);
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)}: ${res.text}`);
    }
    assert.deepEqual(await unchanged(), before);
    assert.equal((await platform.client(created.body.apiKey).patch(`/v1/admin/tenants/${id}`, { name: 'x' })).status, 403, 'a tenant key is not the admin key');
  });

  it('an endpoint failing long enough is disabled with a reason; emails go out; PATCH active re-enables and clears the streak; emails are deduplicated', async () => {
    const tenant = await platform.createTenant();
    assert.equal((await tenant.client.patch('/v1/settings', { alertEmails: ['ops@example.com', 'dev@example.com'] })).status, 200);
    let failing = true;
    receiver.on('/down', () => (failing ? { status: 500, body: '<b>boom</b>' } : { status: 200 }));
    const ops = (await tenant.client.post('/v1/endpoints', { url: receiver.url('/ops'), eventTypes: ['hookrelay.*'] })).body;
    const down = (await tenant.client.post('/v1/endpoints', { url: `${receiver.url('/down')}?team=a&b=<c>`, eventTypes: ['order.*'] })).body;
    assert.ok(ops.id && down.id);

    // Fail deliveries until the endpoint has been failing for the 1.8 s and gets disabled.
    const disabled = await waitUntil(async () => {
      const ep = await failOnce(tenant, down.id);
      return ep.status === 'disabled' && ep;
    }, 30_000, 'the endpoint disabled');
    assert.match(disabled.disabledReason, /^failing since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z: .*500/);
    assert.ok(disabled.disabledReason.includes(disabled.health.failingSince), disabled.disabledReason);
    assert.ok(disabled.disabledAt);
    assert.ok(disabled.health.consecutiveFailures >= 2);
    assert.ok(Date.parse(disabled.disabledAt) - Date.parse(disabled.health.failingSince) >= 1800);
    await waitUntil(() => disabledEvents.some((e) => e.endpointId === down.id), 5_000, 'the endpoint.disabled domain event');

    // The hookrelay.endpoint.disabled webhook.
    const hook = await waitUntil(() => receiver.received('/ops').find((r) => r.headers['x-webhook-event'] === 'hookrelay.endpoint.disabled'), 15_000, 'hookrelay.endpoint.disabled');
    const data = JSON.parse(hook.body).data;
    assert.equal(data.endpointId, down.id);
    assert.equal(data.reason, disabled.disabledReason);
    assert.equal(data.disabledAt, disabled.disabledAt);
    assert.equal(data.lastResponseStatus, 500);

    // Emails: failing (after the first failed delivery) and disabled, to both addresses, text and HTML.
    const mails = await smtp.waitFor(2);
    const failingMail = mails.find((m) => /is failing/.test(m.subject))!;
    const disabledMail = mails.find((m) => /was disabled/.test(m.subject))!;
    assert.ok(failingMail && disabledMail, mails.map((m) => m.subject).join(' | '));
    assert.deepEqual(disabledMail.to.sort(), ['dev@example.com', 'ops@example.com']);
    assert.match(disabledMail.headers.from!, /alerts@hookrelay\.test/);
    assert.ok(disabledMail.text.includes(down.url), disabledMail.text);
    assert.ok(disabledMail.text.includes(disabled.disabledReason));
    assert.ok(disabledMail.text.includes(`Failing since: ${disabled.health.failingSince}`));
    assert.match(disabledMail.text, /Last response: HTTP 500/);
    assert.ok(disabledMail.text.includes(`PATCH /v1/endpoints/${down.id} {"status": "active"}`));
    assert.ok(disabledMail.text.includes(`/v1/endpoints/${down.id}/recover`));
    assert.ok(disabledMail.html.includes('team=a&amp;b=%3Cc%3E') || disabledMail.html.includes('team=a&amp;b=&lt;c&gt;'), disabledMail.html);
    assert.ok(!/<c>/.test(disabledMail.html));

    // Re-enable: status, reason and streak cleared.
    const enabled = await tenant.client.patch(`/v1/endpoints/${down.id}`, { status: 'active' });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(enabled.body.status, 'active');
    assert.equal(enabled.body.disabledReason, null);
    assert.equal(enabled.body.disabledAt, null);
    assert.equal(enabled.body.health.consecutiveFailures, 0);
    assert.equal(enabled.body.health.failingSince, null);

    // It fails again: a new streak, a new failing webhook, but no second failing email within ALERT_DEDUPE_SECONDS.
    await failOnce(tenant, down.id);
    const kinds = async (channel: string) =>
      (await platform.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM alert_outbox WHERE endpoint_id = $1 AND channel = $2 GROUP BY kind ORDER BY kind`, [down.id, channel])).map((r) => `${r.kind}:${r.n}`);
    await waitUntil(async () => (await kinds('webhook')).includes('endpoint.failing:2'), 15_000, 'a second failing alert');
    assert.deepEqual(await kinds('email'), ['endpoint.disabled:1', 'endpoint.failing:1']);
    failing = false;
    const ev = await tenant.client.post('/v1/events', { type: 'order.paid', data: {} });
    await waitUntil(async () => (await tenant.client.get(`/v1/deliveries?eventId=${ev.body.id}`)).body.data[0]?.status === 'succeeded', 15_000, 'delivered');
    await waitUntil(async () => (await kinds('email')).includes('endpoint.recovered:1'), 15_000, 'a recovered email');
    const recoveredMail = (await smtp.waitFor(3)).find((m) => /has recovered/.test(m.subject));
    assert.ok(recoveredMail);
    await waitUntil(async () => (await platform.query(`SELECT 1 FROM alert_outbox WHERE status = 'pending'`)).length === 0, 15_000, 'the outbox drained');
    assert.equal(smtp.mails.filter((m) => /is failing/.test(m.subject)).length, 1);
    assert.equal(smtp.mails.length, 3);
  });
});
