import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { LOGGER, type Logger } from '#libs/common';
import { QueueName } from './jobs.js';

/** At most one log line per queue in this period while Redis keeps failing. */
const LOG_EVERY_MS = 10_000;

/** Gives every queue an `error` listener, so a Redis outage is logged (sparingly) instead of
 * dumped on stderr by BullMQ for each reconnect attempt. */
@Injectable()
export class QueueErrorListener implements OnModuleInit {
  constructor(
    @InjectQueue(QueueName.FanOut) private readonly fanOut: Queue,
    @InjectQueue(QueueName.Delivery) private readonly delivery: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.fanOut, this.delivery]) {
      let lastLogged = 0;
      queue.on('error', (err: Error) => {
        if (Date.now() - lastLogged < LOG_EVERY_MS) return;
        lastLogged = Date.now();
        this.logger.warn({ queue: queue.name, err: err.message }, 'queue connection error; Redis is retried');
      });
    }
  }
}
