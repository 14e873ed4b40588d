import { Inject, Injectable } from '@nestjs/common';
import { Clock, ConflictError, LOGGER, NotFoundError, uuidv7, type Logger } from '#libs/common';
import { JobProducer } from '#libs/queue';
import { checkRecoveryWindow } from './recovery-window.js';
import { RecoveryRepository, type RecoveryView } from './recovery.repository.js';

/** Recoveries as the API starts, reads and cancels them; the walk itself is RecoveryWalker's. */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly repo: RecoveryRepository,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts a recovery of the endpoint over [since, until); one runs per endpoint at a time. */
  async start(tenantId: string, endpointId: string, since: Date, until: Date | undefined): Promise<RecoveryView> {
    const window = checkRecoveryWindow(since, until, this.clock.now());
    const endpoint = await this.repo.endpoint(tenantId, endpointId);
    if (!endpoint || endpoint.deleted) throw new NotFoundError('endpoint');
    if (endpoint.status !== 'active') throw new ConflictError('endpoint is disabled: re-enable it with PATCH /v1/endpoints/{id} {"status":"active"}, then recover');
    const recovery = await this.repo.create(tenantId, uuidv7(), endpointId, window.since, window.until);
    if (!recovery) {
      const running = await this.repo.runningFor(tenantId, endpointId);
      throw new ConflictError(`a recovery of this endpoint is already running (${running ?? 'finishing now'}): wait for it, or cancel it with DELETE /v1/recoveries/{id}`);
    }
    try {
      await this.producer.enqueueRecovery(tenantId, recovery.id);
    } catch (err) {
      this.logger.warn({ tenantId, recoveryId: recovery.id, err: (err as Error).message }, 'enqueue failed; the reconciler will start the recovery');
    }
    return recovery;
  }

  async get(tenantId: string, id: string): Promise<RecoveryView> {
    const recovery = await this.repo.get(tenantId, id);
    if (!recovery) throw new NotFoundError('recovery');
    return recovery;
  }

  async list(tenantId: string, endpointId: string, limit: number, beforeId?: string): Promise<RecoveryView[]> {
    const endpoint = await this.repo.endpoint(tenantId, endpointId);
    if (!endpoint || endpoint.deleted) throw new NotFoundError('endpoint');
    return this.repo.list(tenantId, endpointId, limit, beforeId);
  }

  /** Stops a running recovery before its next page (deliveries already sent go on). Cancelling a
   * cancelled one answers it again; a finished one is a conflict. */
  async cancel(tenantId: string, id: string): Promise<RecoveryView> {
    const result = await this.repo.cancel(tenantId, id);
    if (!result) throw new NotFoundError('recovery');
    const { recovery, cancelled } = result;
    if (!cancelled && recovery.status !== 'cancelled') throw new ConflictError(`recovery already ${recovery.status}: only a running recovery can be cancelled`);
    return recovery;
  }
}
