// Load shapes for the bench: a closed loop (N workers back to back) and an open loop (a fixed
// arrival rate that does not slow down when the system does, up to a bound on requests in flight).

export const wallClock = () => performance.timeOrigin + performance.now();

/** Runs `fn` from `concurrency` loops until `more()` says stop. Returns how many calls were made. */
export async function closedLoop(concurrency: number, more: (n: number) => boolean, fn: (n: number) => Promise<void>): Promise<number> {
  let n = 0;
  const loop = async () => {
    while (more(n)) await fn(n++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return n;
}

/** Starts `fn` `ratePerSec` times a second for `durationMs`; calls beyond `maxInFlight` are counted
 * as dropped rather than queued, so a stalled system shows up as drops, not as a pile-up here. */
export async function openLoop(ratePerSec: number, durationMs: number, maxInFlight: number, fn: (n: number) => Promise<void>): Promise<{ started: number; dropped: number }> {
  const start = performance.now();
  const total = Math.round((ratePerSec * durationMs) / 1000);
  let started = 0;
  let dropped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (started + dropped < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSec) / 1000) + 1);
    while (started + dropped < due) {
      if (inFlight >= maxInFlight) {
        dropped++;
        continue;
      }
      const n = started++;
      inFlight++;
      const p = fn(n).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  return { started, dropped };
}
