import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, LOGGER, NotFoundError, type Logger } from '#libs/common';
import type { DeliveryView } from '#libs/delivery';
import { patternsMatching } from '#libs/endpoints';
import { assertNotExpunged } from '#libs/events';
import { JobProducer } from '#libs/queue';
import { RedeliveryRepository, type SentAgain } from './redelivery.repository.js';

/** Sending again by hand: one delivery (resend) or one event to its endpoints (replay). */
@Injectable()
export class RedeliveryService {
  constructor(
    private readonly repo: RedeliveryRepository,
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A failed or succeeded delivery gets a new series of attempts: pending again, attempt numbers
   * going on, the retry schedule from its start, a new job id. */
  async resend(tenantId: string, deliveryId: string): Promise<DeliveryView> {
    const reopened = await this.repo.resend(tenantId, deliveryId);
    if (!reopened) throw await this.resendRefusal(tenantId, deliveryId);
    const { series, ...view } = reopened;
    await this.enqueue(tenantId, [{ deliveryId, endpointId: view.endpointId, series }]);
    return view;
  }

  private async resendRefusal(tenantId: string, deliveryId: string): Promise<Error> {
    const state = await this.repo.resendState(tenantId, deliveryId);
    if (!state) return new NotFoundError('delivery');
    try {
      assertNotExpunged({ id: state.eventId, expungedAt: state.eventExpungedAt });
    } catch (err) {
      return err as Error;
    }
    if (state.status === 'pending') return new ConflictError('delivery is pending: it is still being attempted; resend a failed or succeeded delivery');
    if (state.endpointDeleted) return new ConflictError('the endpoint of this delivery was deleted');
    if (state.endpointStatus !== 'active') return new ConflictError('the endpoint of this delivery is disabled: re-enable it with PATCH /v1/endpoints/{id} {"status":"active"} first');
    // Its state changed between the two statements (it was resent meanwhile, say).
    return new ConflictError('delivery changed meanwhile; try again');
  }

  /** Sends an event again to every active endpoint subscribed to its type now. Returns how many
   * deliveries are now pending because of it. */
  async replay(tenantId: string, eventId: string, force: boolean): Promise<number> {
    const event = await this.repo.eventForReplay(tenantId, eventId);
    if (event === null) throw new NotFoundError('event');
    assertNotExpunged(event);
    const sent = await this.repo.replay(tenantId, eventId, patternsMatching(event.type), force);
    await this.enqueue(tenantId, sent);
    return sent.length;
  }

  /** Best effort, as for a dispatch: the rows are committed, and the reconciler enqueues a pending
   * delivery whose job is missing. */
  private async enqueue(tenantId: string, sent: readonly SentAgain[]): Promise<void> {
    try {
      await this.producer.enqueueDeliveries(sent.map((s) => ({ tenantId, ...s })));
    } catch (err) {
      this.logger.warn({ tenantId, deliveries: sent.length, err: (err as Error).message }, 'enqueue failed; the reconciler will pick the deliveries up');
    }
  }
}
