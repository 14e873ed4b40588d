import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from './jobs.js';

export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
}

/** How many jobs each queue holds, for the operator overview: waiting (incl. prioritized), delayed
 * (retries and rate-limit waits) and active. One round trip per queue, no job scans. */
@Injectable()
export class QueueDepth {
  private readonly queues: Record<QueueName, Queue>;

  constructor(@InjectQueue(QueueName.FanOut) fanOut: Queue, @InjectQueue(QueueName.Delivery) delivery: Queue, @InjectQueue(QueueName.Recovery) recovery: Queue) {
    this.queues = { [QueueName.FanOut]: fanOut, [QueueName.Delivery]: delivery, [QueueName.Recovery]: recovery };
  }

  /** Counts per queue; throws when Redis cannot answer (the caller decides what that means). */
  async counts(): Promise<Record<QueueName, QueueCounts>> {
    const out = {} as Record<QueueName, QueueCounts>;
    for (const [name, queue] of Object.entries(this.queues) as Array<[QueueName, Queue]>) {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      out[name] = { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), delayed: c.delayed ?? 0, active: c.active ?? 0 };
    }
    return out;
  }
}
