import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { ReconcilerService } from '#libs/reconcile';

/** How long shutdown waits for a running pass (one blocked on a Redis that is down never ends). */
const STOP_WAIT_MS = 5_000;

/** Runs the reconciler once the worker is up and then every RECONCILE_INTERVAL_MS. A failed pass
 * (Postgres or Redis down) is logged and the next one tries again. */
@Injectable()
export class ReconcileScheduler implements BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule(this.config.reconcileIntervalMs);
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    try {
      await this.reconciler.runOnce();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'reconcile pass failed; trying again next interval');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
  }
}
