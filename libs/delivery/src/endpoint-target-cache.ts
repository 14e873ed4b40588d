/** What an attempt needs of an endpoint, kept per worker process by the endpoint row's version
 * (`xmin`, which every write to the row changes, whoever makes it): the attempt load reads only the
 * version and whether the endpoint is live, and a target whose version no longer matches is read
 * again. So a change (options, URL, headers, status) or a secret rotation (which writes the endpoint
 * row) is seen by the very next attempt in every worker, with no message to miss. The secrets stay
 * sealed here; RequestBuilder keeps each target's opened secrets beside it. */
import type { EndpointTarget } from './delivery.repository.js';

export class EndpointTargetCache {
  private readonly entries = new Map<string, EndpointTarget>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The cached target when it is of this version. */
  get(endpointId: string, version: string): EndpointTarget | undefined {
    const t = this.entries.get(endpointId);
    return t && t.version === version ? t : undefined;
  }

  set(target: EndpointTarget): void {
    if (!this.entries.has(target.endpointId) && this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(target.endpointId, target);
  }
}
