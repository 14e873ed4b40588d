import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';

const require = createRequire(import.meta.url);

/** prom-client's default process and Node metrics (its `collectDefaultMetrics` list), less `gc`: the
 * GC durations come from a PerformanceObserver subscribed for good, which Node documents as a
 * standing cost, and with the apps' 192 MB heap cap GCs are frequent. The bench measured the apps
 * costing more CPU per delivery with the defaults on (bench/README.md, metrics cost). Event-loop lag
 * is sampled every 100 ms rather than 10 ms: a timer wake-up is a system call, dear on small VMs,
 * and Prometheus reads the figures every 15 s anyway. prom-client is pinned exactly, so these
 * module paths are stable. */
const PROCESS_METRICS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
];

export function collectProcessMetrics(registry: Registry): void {
  for (const name of PROCESS_METRICS) {
    const metric = require(`prom-client/lib/metrics/${name}`) as (registry: Registry, config: object) => void;
    metric(registry, { eventLoopMonitoringPrecision: 100 });
  }
}
