import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import type { DomainEventMap, DomainEventName } from './catalogue.js';

type Handler<N extends DomainEventName> = (event: DomainEventMap[N]) => void | Promise<void>;

/** The one seam for domain events, in process. `emit` runs every subscriber synchronously and
 * returns at once: a subscriber must only note the event (buffer it, bump a counter) and do its I/O
 * later, in batches, so publishing costs the hot path nothing. A subscriber that throws or rejects
 * is logged; it never fails the code that published. */
@Injectable()
export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Array<Handler<DomainEventName>>>();

  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  on<N extends DomainEventName>(name: N, handler: Handler<N>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<DomainEventName>);
    this.handlers.set(name, list);
    return () => {
      const i = list.indexOf(handler as Handler<DomainEventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<N extends DomainEventName>(name: N, event: DomainEventMap[N]): void {
    const list = this.handlers.get(name);
    if (!list) return;
    for (const handler of list) {
      try {
        const out = handler(event);
        if (out instanceof Promise) out.catch((err: unknown) => this.failed(name, err));
      } catch (err) {
        this.failed(name, err);
      }
    }
  }

  private failed(name: DomainEventName, err: unknown): void {
    this.logger.error({ event: name, reason: err instanceof Error ? err.message : String(err) }, 'domain event subscriber failed');
  }
}

/** Global so every lib can publish or subscribe without importing a module for it. */
@Global()
@Module({ providers: [DomainEvents], exports: [DomainEvents] })
export class DomainEventsModule {}
