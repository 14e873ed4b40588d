// Scenario "postgresFloor": what Postgres alone costs per delivery with the platform's own hot-path
// statements at ideal batching, and so the most deliveries per second this machine could log if
// nothing else (API, worker, Redis, receiver, load generator) used any CPU at all.
import { poolRows, type PrismaService } from '#libs/database';
import { DeliveryRepository, type LoadedDelivery } from '#libs/delivery';
import { EventRepository } from '#libs/events';
import { uuidv7 } from '#libs/common';
import { cpuSecondsByName } from './platform.js';
import type { BenchContext } from './scenarios.js';

const BATCH = 200;

export async function postgresFloor(ctx: BenchContext) {
  const deliveries = Math.max(2 * BATCH, Math.round((50_000 * ctx.scale) / BATCH) * BATCH);
  const api = await ctx.platform.createTenant('postgres-floor');
  const [tenant] = await ctx.platform.query<{ id: string }>(`SELECT id FROM tenants WHERE name = 'postgres-floor'`);
  const tenantId = tenant!.id;
  const url = ctx.receiver.url('/floor');
  const created = await api.post('/v1/endpoints', { url, eventTypes: ['bench.floor'] });
  if (created.status !== 201) throw new Error(`creating an endpoint failed: ${created.status} ${created.text}`);
  // The repositories only use `rows`, the platform's statement runner, here on the bench's own pool.
  const prisma = { rows: <T>(text: string, values?: unknown[]) => poolRows<T>(ctx.platform.db!, text, values) } as unknown as PrismaService;
  const events = new EventRepository(prisma);
  const attempts = new DeliveryRepository(prisma);

  const runBatch = async () => {
    const accepted = await events.acceptMany(
      Array.from({ length: BATCH }, () => ({ tenantId, event: { id: uuidv7(), type: 'bench.floor', dataJson: '{"n":1}', idempotencyKey: null } })),
      100,
    );
    const keys = accepted.flatMap((a) => a!.deliveries.map((d) => ({ tenantId, deliveryId: d.deliveryId })));
    const loaded = await attempts.loadManyForAttempt(keys);
    const now = new Date();
    await attempts.recordAttempts(
      loaded.map((c: LoadedDelivery | null) => ({
        rows: [
          {
            tenantId,
            deliveryId: c!.deliveryId,
            attempt: { attemptNumber: 1, startedAt: now, durationMs: 1, responseStatus: 200, errorKind: null, errorMessage: null, responseBody: '', status: 'succeeded' as const, nextAttemptAt: null, lastError: null },
          },
        ],
        batch: null,
      })),
    );
  };

  await runBatch(); // prepares the statements
  const cpu0 = cpuSecondsByName('postgres');
  const t0 = performance.now();
  let next = BATCH;
  // Two connections busy at once, as the API and the worker each keep theirs.
  await Promise.all([0, 1].map(async () => {
    while (next < deliveries) {
      next += BATCH;
      await runBatch();
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const postgresCpuMs = ((cpuSecondsByName('postgres') - cpu0) * 1000) / (deliveries - BATCH);
  const [recorded] = await ctx.platform.query<{ n: string }>(`SELECT count(*) AS n FROM delivery_attempts WHERE tenant_id = $1`, [tenantId]);
  return {
    deliveries: deliveries - BATCH,
    attemptsRecorded: Number(recorded!.n) - BATCH,
    batch: BATCH,
    seconds: Math.round(seconds * 100) / 100,
    postgresCpuMsPerDelivery: Math.round(postgresCpuMs * 1000) / 1000,
    // Both cores given to Postgres and to nothing else.
    ceilingPerSecond: postgresCpuMs > 0 ? Math.round(2000 / postgresCpuMs) : null,
  };
}
