import type { WorkerOptions } from 'bullmq';

/** Stalled-job recovery for every worker. A job's lock (renewed every lockDuration/2 while it runs)
 * outlives the 10 s delivery timeout with room to spare; when a worker dies (SIGKILL, OOM) its
 * active jobs lose their lock and the stalled check puts them back within lockDuration +
 * stalledInterval. They are never failed for stalling alone in practice (maxStalledCount is high),
 * and if they were, the reconciler re-enqueues any delivery Postgres still has pending. */
export const STALL_OPTIONS: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> = {
  lockDuration: 30_000,
  stalledInterval: 15_000,
  maxStalledCount: 20,
};
