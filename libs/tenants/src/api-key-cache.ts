/** Remembers what a key hash authenticated as (a tenant id, a service key's scopes), for a short
 * time, so a client sending thousands of requests a second costs one lookup a second instead of one
 * per request. Only hits are kept (a flood of wrong keys cannot fill it). Revocation deletes the entry
 * on every instance (KeyRevocationChannel); the TTL only bounds a revocation message that never arrived. */
export class ApiKeyCache<T = string> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

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

  delete(hash: string): void {
    this.entries.delete(hash);
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
