import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from './jobs.js';

/** States in which a job will still run by itself. */
const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** Answers "does Redis still hold live work for this job id?" for the reconciler. */
@Injectable()
export class JobPresence {
  private readonly queues: Record<QueueName, Queue>;

  constructor(@InjectQueue(QueueName.FanOut) fanOut: Queue, @InjectQueue(QueueName.Delivery) delivery: Queue, @InjectQueue(QueueName.Recovery) recovery: Queue) {
    this.queues = { [QueueName.FanOut]: fanOut, [QueueName.Delivery]: delivery, [QueueName.Recovery]: recovery };
  }

  /** The ids among `jobIds` with no live job in `queue`. A finished leftover (completed or failed)
   * is removed on the way, because adding a job under an id that still exists is a silent no-op. */
  async withoutLiveJob(queue: QueueName, jobIds: readonly string[]): Promise<string[]> {
    const q = this.queues[queue];
    const states = await Promise.all(jobIds.map((id) => q.getJobState(id)));
    const missing: string[] = [];
    await Promise.all(
      jobIds.map(async (id, i) => {
        const state = states[i]!;
        if (LIVE_STATES.has(state)) return;
        // remove() answers 0 when the job is locked, i.e. some worker picked it up meanwhile.
        if (state !== 'unknown' && (await q.remove(id)) !== 1) return;
        missing.push(id);
      }),
    );
    return missing;
  }
}
