import { Global, Injectable, Module } from '@nestjs/common';

export interface BatcherOptions<I, O> {
  /** Most items handed to `runMany` at once. */
  maxBatch: number;
  /** Batches running at once; items submitted meanwhile wait and share the next one. The hot paths
   * use 1: under load the next batch gathers everything that arrived while one statement ran, which
   * halved Postgres transactions and cut Postgres CPU per delivery by a third against 2 to 4
   * (bench/README.md); at low load a lone item still goes at once. */
  maxInFlight: number;
  /** Runs a batch; the answers line up with the items. */
  runMany: (items: I[]) => Promise<O[]>;
  /** Runs one item alone: for a batch of one, and for each item of a batch that failed, so one bad
   * item cannot fail the others. */
  runOne: (item: I) => Promise<O>;
  /** Items with the same key never share a batch (a later one waits for the next). */
  key?: (item: I) => string;
  /** Told the size of every batch as it starts (metrics listen here; see BatchSizes). */
  onBatch?: (size: number) => void;
}

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/** Group commit without a timer: an item submitted while a connection is free runs at once, alone;
 * items submitted while batches are busy queue up and go together in the next one. Under load that
 * turns N round trips (and N commits) into one, and at low load it adds no latency. Each caller is
 * answered only when its own batch has finished. */
export class Batcher<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private inFlight = 0;

  constructor(private readonly opts: BatcherOptions<I, O>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items known together (a group job's deliveries): queued at once, so they share a batch
   * rather than the first going alone. */
  submitAll(items: readonly I[]): Promise<O[]> {
    const answers = items.map((item) => new Promise<O>((resolve, reject) => this.queue.push({ item, resolve, reject })));
    this.pump();
    return Promise.all(answers);
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private take(): Array<Waiting<I, O>> {
    const { key, maxBatch } = this.opts;
    if (!key) return this.queue.splice(0, maxBatch);
    const batch: Array<Waiting<I, O>> = [];
    const rest: Array<Waiting<I, O>> = [];
    const seen = new Set<string>();
    for (const w of this.queue) {
      const k = key(w.item);
      if (batch.length < maxBatch && !seen.has(k)) {
        seen.add(k);
        batch.push(w);
      } else rest.push(w);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Array<Waiting<I, O>>): Promise<void> {
    this.opts.onBatch?.(batch.length);
    if (batch.length === 1) return this.one(batch[0]!);
    let outs: O[];
    try {
      outs = await this.opts.runMany(batch.map((w) => w.item));
    } catch {
      await Promise.all(batch.map((w) => this.one(w)));
      return;
    }
    batch.forEach((w, i) => w.resolve(outs[i]!));
  }

  private async one(w: Waiting<I, O>): Promise<void> {
    try {
      w.resolve(await this.opts.runOne(w.item));
    } catch (err) {
      w.reject(err);
    }
  }
}

type BatchListener = (batcher: string, size: number) => void;

/** Where the platform's Batchers report their batch sizes, by name, for whoever listens (the
 * metrics); the Batcher itself knows nothing of them. One per app, provided by BatchSizesModule. */
@Injectable()
export class BatchSizes {
  private readonly listeners: BatchListener[] = [];

  listen(listener: BatchListener): void {
    this.listeners.push(listener);
  }

  /** The `onBatch` option for the Batcher called `batcher`. */
  reporter(batcher: string): (size: number) => void {
    return (size) => {
      for (const l of this.listeners) l(batcher, size);
    };
  }
}

@Global()
@Module({ providers: [BatchSizes], exports: [BatchSizes] })
export class BatchSizesModule {}
