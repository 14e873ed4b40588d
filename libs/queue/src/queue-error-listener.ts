import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { LOGGER, type Logger } from '#libs/common';
import { QueueName } from './jobs.js';

/** At most one log line per queue in this period while Redis keeps failing. */
const LOG_EVERY_MS = 10_000;

/** Gives every queue an `error` listener, so a Redis outage is logged (sparingly) instead of
 * dumped on stderr by BullMQ for each reconnect attempt. Attached as soon as the queues exist (in
 * the constructor, not onModuleInit): a refused connection fails within the module set-up, and an
 * error emitted with no listener is printed by BullMQ as a bare stack trace. */
@Injectable()
export class QueueErrorListener {
  constructor(
    @InjectQueue(QueueName.FanOut) fanOut: Queue,
    @InjectQueue(QueueName.Delivery) delivery: Queue,
    @InjectQueue(QueueName.Recovery) recovery: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    for (const queue of [fanOut, delivery, recovery]) {
      let lastLogged = 0;
      queue.on('error', (err: Error) => {
        if (Date.now() - lastLogged < LOG_EVERY_MS) return;
        lastLogged = Date.now();
        this.logger.warn({ queue: queue.name, err: err.message }, 'queue connection error; Redis is retried');
      });
    }
  }
}
