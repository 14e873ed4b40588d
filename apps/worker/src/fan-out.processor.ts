import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { FanOutService } from '#libs/events';
import { HandlesJob, JobName, QueueName, STALL_OPTIONS, type JobPayloads } from '#libs/queue';

@HandlesJob(JobName.FanOutEvent)
@Processor(QueueName.FanOut, { autorun: false, ...STALL_OPTIONS })
export class FanOutProcessor extends WorkerHost {
  constructor(private readonly fanOut: FanOutService) {
    super();
  }

  async process(job: Job<JobPayloads[JobName.FanOutEvent]>): Promise<number> {
    return this.fanOut.fanOut(job.data.tenantId, job.data.eventId);
  }
}
