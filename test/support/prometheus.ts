/** A reader for the Prometheus text format (0.0.4), enough for the tests: one sample per line,
 * `name{label="value",...} number`, with `# HELP` and `# TYPE` lines naming each family. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Family name -> its type (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
}

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (m) types.set(m[1]!, m[2]!);
      continue;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL_RE.lastIndex = 0;
      let consumed = 0;
      for (let l = LABEL_RE.exec(m[2]); l; l = LABEL_RE.exec(m[2])) {
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        consumed = LABEL_RE.lastIndex;
      }
      if (consumed !== m[2].length) throw new Error(`bad labels in: ${line}`);
    }
    const raw = m[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    // prom-client writes NaN as `Nan` (an event-loop histogram with no sample since the last scrape); Prometheus parses floats case-insensitively.
    if (Number.isNaN(value) && raw.toLowerCase() !== 'nan') throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

/** The sum of the samples called `name` whose labels include `match`. */
export function sampleSum(scrape: Scrape, name: string, match: Record<string, string> = {}): number {
  return scrape.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

/** The families a scrape exports, each with the series names it brings (a histogram brings
 * _bucket, _sum and _count; a counter its own name). */
export function seriesNames(scrape: Scrape): Set<string> {
  return new Set(scrape.samples.map((s) => s.name));
}
