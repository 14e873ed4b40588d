import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Webhook } from 'standardwebhooks';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { startWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { testConfig } from '../support/test-env.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;

describe('SECRETS_KEY rotation and migrated plaintext secrets', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  const apps: NestFastifyApplication[] = [];

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { SECRETS_KEY: K1 }, worker: false });
  });
  after(async () => {
    for (const app of apps.reverse()) await app.close();
    await platform?.stop();
    await receiver?.close();
  });

  const configWith = (secretsKey: string) => testConfig({ DATABASE_URL: platform.db.url, QUEUE_PREFIX: platform.config.queuePrefix, SECRETS_KEY: secretsKey });

  it('re-seals old-key and plaintext rows at start, after which the old key can be dropped', async () => {
    const tenant = await platform.createTenant();
    const a = await tenant.client.post('/v1/endpoints', { url: receiver.url('/a'), eventTypes: ['k.*'], headers: { 'x-token': 'header-secret-value' } });
    const b = await tenant.client.post('/v1/endpoints', { url: receiver.url('/b'), eventTypes: ['k.*'] });
    assert.equal(a.status, 201, a.text);
    // What the security migration leaves for an endpoint registered before it: the plaintext secret.
    await platform.query("UPDATE endpoint_secrets SET ciphertext = $1, key_id = 'plaintext' WHERE endpoint_id = $2", [b.body.secret, b.body.id]);

    // A new API instance with the new key first and the old one after it.
    const api = await createApiApp(configWith(`${K2},${K1}`));
    apps.push(api);
    await api.init();
    const secrets = await platform.query('SELECT key_id, ciphertext FROM endpoint_secrets');
    assert.deepEqual(new Set(secrets.map((r) => r.key_id)), new Set(['k2']));
    assert.ok(secrets.every((r) => r.ciphertext.startsWith('v1:k2:')));
    const [headers] = await platform.query('SELECT headers FROM endpoints WHERE id = $1', [a.body.id]);
    assert.match(headers.headers['x-token'], /^v1:k2:/);

    // A worker that has only the new key delivers both, signed with the original secrets.
    apps.push(await startWorkerApp(configWith(K2), 0));
    assert.equal((await tenant.client.post('/v1/events', { type: 'k.x', data: {} })).status, 202);
    const [ra] = await receiver.waitFor(1, '/a');
    const [rb] = await receiver.waitFor(1, '/b');
    new Webhook(a.body.secret).verify(ra!.body, ra!.headers as Record<string, string>);
    new Webhook(b.body.secret).verify(rb!.body, rb!.headers as Record<string, string>);
    assert.equal(ra!.headers['x-token'], 'header-secret-value');
  });
});
