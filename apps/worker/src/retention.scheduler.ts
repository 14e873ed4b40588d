import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { RetentionService } from '#libs/retention';

/** How long shutdown waits for the running batch to finish and the lease to be released. */
const STOP_WAIT_MS = 5_000;
/** The first pass waits this long (or one interval if shorter), so a restart does not purge at once. */
const FIRST_PASS_DELAY_MS = 60_000;
/** A pass that stopped on its time budget is followed this soon by the next. */
const CATCH_UP_DELAY_MS = 1_000;

/** Runs the retention purge every RETENTION_INTERVAL_MS (RetentionService takes the lease, so only
 * one worker purges at a time). A failed pass is logged and the next one tries again. */
@Injectable()
export class RetentionScheduler implements BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly retention: RetentionService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.config.retentionMs === 0) return;
    this.stopped = false;
    this.schedule(Math.min(FIRST_PASS_DELAY_MS, this.config.retentionIntervalMs));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().then((more) => {
        this.running = undefined;
        this.schedule(more ? CATCH_UP_DELAY_MS : this.config.retentionIntervalMs);
      });
    }, delayMs);
  }

  private async pass(): Promise<boolean> {
    try {
      return (await this.retention.runOnce())?.more ?? false;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'retention pass failed; trying again next interval');
      return false;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.retention.stop();
    if (this.running) await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }
}
