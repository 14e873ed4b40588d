import { Injectable } from '@nestjs/common';
import { Batcher, BatchSizes } from '#libs/common';
import { DeliveryRepository, type AttemptContext, type EndpointTarget, type LoadedDelivery } from './delivery.repository.js';
import { EndpointTargetCache } from './endpoint-target-cache.js';

interface DeliveryKey {
  tenantId: string;
  deliveryId: string;
}

/** Loads what an attempt needs; concurrent attempts share one query (see Batcher), a lone one is a
 * batch of one. Endpoints come from the cache when the row's version still matches, else from one
 * more statement for all the batch's misses. */
@Injectable()
export class AttemptLoader {
  private readonly batcher: Batcher<DeliveryKey, AttemptContext | null>;
  private readonly endpoints = new EndpointTargetCache();

  constructor(
    private readonly deliveries: DeliveryRepository,
    sizes: BatchSizes,
  ) {
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      onBatch: sizes.reporter('attempt-load'),
      runOne: async (k) => (await this.loadMany([k]))[0] ?? null,
      runMany: (keys) => this.loadMany(keys),
    });
  }

  load(tenantId: string, deliveryId: string): Promise<AttemptContext | null> {
    return this.batcher.submit({ tenantId, deliveryId });
  }

  /** A group's deliveries, in one statement (up to the batch size). */
  loadAll(tenantId: string, deliveryIds: readonly string[]): Promise<Array<AttemptContext | null>> {
    return this.batcher.submitAll(deliveryIds.map((deliveryId) => ({ tenantId, deliveryId })));
  }

  private async loadMany(keys: DeliveryKey[]): Promise<Array<AttemptContext | null>> {
    const rows = await this.deliveries.loadManyForAttempt(keys);
    const missing = [...new Set(rows.flatMap((r) => (r && !this.endpoints.get(r.endpointId, r.endpointVersion) ? [r.endpointId] : [])))];
    const fresh = new Map<string, EndpointTarget>();
    if (missing.length > 0) {
      for (const t of await this.deliveries.loadEndpoints(missing)) {
        this.endpoints.set(t);
        fresh.set(t.endpointId, t);
      }
    }
    return rows.map((r) => (r ? this.attach(r, fresh) : null));
  }

  private attach(r: LoadedDelivery, fresh: ReadonlyMap<string, EndpointTarget>): AttemptContext | null {
    const { endpointId, endpointVersion, endpointActive, ...delivery } = r;
    // Read just now, its version may be newer than the row's (the endpoint changed in between): newer is as good.
    const target = this.endpoints.get(endpointId, endpointVersion) ?? fresh.get(endpointId);
    if (!target) return null; // the endpoint is gone (its tenant was deleted in between)
    // Live or not is read with the delivery, never cached.
    return { ...delivery, endpoint: target.active === endpointActive ? target : { ...target, active: endpointActive } };
  }
}
