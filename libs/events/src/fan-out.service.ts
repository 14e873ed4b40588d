import { Injectable } from '@nestjs/common';
import { patternsMatching } from '#libs/endpoints';
import { JobProducer } from '#libs/queue';
import { EventRepository } from './event.repository.js';

@Injectable()
export class FanOutService {
  constructor(
    private readonly events: EventRepository,
    private readonly producer: JobProducer,
  ) {}

  /** Creates the event's deliveries and enqueues them. Safe to run again: a second run creates
   * nothing and re-enqueues what is still pending (job ids make that a no-op when queued). */
  async fanOut(tenantId: string, eventId: string): Promise<number> {
    const type = await this.events.findType(tenantId, eventId);
    if (type === null) return 0;
    let deliveryIds = await this.events.fanOut(tenantId, eventId, patternsMatching(type));
    if (deliveryIds.length === 0) deliveryIds = await this.events.pendingDeliveryIds(tenantId, eventId);
    await this.producer.enqueueDeliveries(deliveryIds.map((deliveryId) => ({ tenantId, deliveryId })));
    return deliveryIds.length;
  }
}
