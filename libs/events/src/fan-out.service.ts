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
    const event = await this.events.findForFanOut(tenantId, eventId);
    if (event === null) return 0;
    // Only a re-run (the event already fanned out) looks for pending deliveries to enqueue again.
    const deliveries = event.fannedOut ? await this.events.pendingDeliveries(tenantId, eventId) : await this.events.fanOut(tenantId, eventId, patternsMatching(event.type));
    await this.producer.enqueueDeliveries(deliveries.map((d) => ({ tenantId, ...d })));
    return deliveries.length;
  }
}
