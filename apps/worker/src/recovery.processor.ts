import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, type Job } from 'bullmq';
import { RecoveryWalker } from '#libs/redelivery';
import { HandlesJob, JobName, QueueName, STALL_OPTIONS, type JobPayloads } from '#libs/queue';

/** Adapter from the recovery queue to RecoveryWalker. While the endpoint works through the last
 * page, the job waits delayed (no slot held, nothing counted against its attempts). */
@HandlesJob(JobName.RecoverEndpoint)
@Processor(QueueName.Recovery, { autorun: false, ...STALL_OPTIONS })
export class RecoveryProcessor extends WorkerHost {
  constructor(private readonly walker: RecoveryWalker) {
    super();
  }

  async process(job: Job<JobPayloads[JobName.RecoverEndpoint]>, token?: string): Promise<string> {
    const step = await this.walker.run(job.data.tenantId, job.data.recoveryId);
    switch (step.kind) {
      case 'done':
        return step.status;
      case 'wait':
        await job.moveToDelayed(Date.now() + step.delayMs, token);
        throw new DelayedError();
    }
  }
}
