import { Injectable } from '@nestjs/common';
import { Clock, NotFoundError, ValidationFailedError } from '#libs/common';
import { EndpointStatsRepository } from './endpoint-stats.repository.js';
import { isStatsWindow, STATS_WINDOWS, statsRange, summariseStats, type EndpointStats } from './stats-window.js';

/** Reads an endpoint's stats from the rollup: never from the attempts. */
@Injectable()
export class EndpointStatsService {
  constructor(
    private readonly repo: EndpointStatsRepository,
    private readonly clock: Clock,
  ) {}

  async stats(tenantId: string, endpointId: string, window: string): Promise<EndpointStats> {
    if (!isStatsWindow(window)) throw new ValidationFailedError(`window must be one of ${STATS_WINDOWS.join(', ')}`, { field: 'window', allowed: STATS_WINDOWS });
    const range = statsRange(window, this.clock.now());
    const sums = await this.repo.sums(tenantId, endpointId, range);
    if (!sums) throw new NotFoundError('endpoint');
    return summariseStats(window, range, sums);
  }
}
