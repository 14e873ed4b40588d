/** Remembers what a key hash authenticated as (a tenant id, a service key's scopes), for a short
 * time, so a client sending thousands of requests a second costs one lookup a second instead of one
 * per request. Only hits are kept (a flood of wrong keys cannot fill it). Revocation deletes the entry
 * on every instance (KeyRevocationChannel); the TTL only bounds a revocation message that never arrived. */
export class ApiKeyCache<T = string> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  /** Lookups under way: concurrent requests with the same key share one (single flight), so a
   * client's burst after an entry expired costs one lookup, not one per request. */
  private readonly loading = new Map<string, Promise<T | null>>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): T | null {
    const e = this.entries.get(hash);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(hash);
      return null;
    }
    return e.value;
  }

  /** The cached value, or `load`'s, shared with every concurrent caller for the same hash; a hit
   * (non-null) is kept. A delete while the lookup runs keeps its answer out of the cache. */
  lookup(hash: string, load: () => Promise<T | null>): Promise<T | null> {
    const cached = this.get(hash);
    if (cached !== null) return Promise.resolve(cached);
    let pending = this.loading.get(hash);
    if (!pending) {
      const p: Promise<T | null> = load().then(
        (value) => {
          // Still ours: no delete (revocation) happened while it ran.
          if (this.loading.get(hash) === p) {
            this.loading.delete(hash);
            if (value !== null) this.set(hash, value);
          }
          return value;
        },
        (err: unknown) => {
          if (this.loading.get(hash) === p) this.loading.delete(hash);
          throw err;
        },
      );
      pending = p;
      this.loading.set(hash, pending);
    }
    return pending;
  }

  delete(hash: string): void {
    this.entries.delete(hash);
    this.loading.delete(hash);
  }

  set(hash: string, value: T): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { value, expiresAt: this.now() + this.ttlMs });
  }
}
