// Small SVG charts with axes and labels: no library, no injected styles (the CSP allows none).
const W = 640;
const H = 220;
const M = { top: 12, right: 12, bottom: 34, left: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function timeLabel(iso: string, bucketMinutes: number): string {
  const d = new Date(iso);
  return bucketMinutes >= 168 ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

interface Axes {
  max: number;
  unit: string;
  starts: string[];
  bucketMinutes: number;
}

function YAxis({ max, unit }: Pick<Axes, 'max' | 'unit'>) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return (
    <g className="axis">
      {ticks.map((t) => {
        const y = M.top + PH - (t / max) * PH;
        return (
          <g key={t}>
            <line x1={M.left} x2={M.left + PW} y1={y} y2={y} className="grid-line" />
            <text x={M.left - 6} y={y + 4} textAnchor="end">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        );
      })}
      <text x={12} y={M.top + PH / 2} transform={`rotate(-90 12 ${M.top + PH / 2})`} textAnchor="middle">
        {unit}
      </text>
    </g>
  );
}

function XAxis({ starts, bucketMinutes }: Pick<Axes, 'starts' | 'bucketMinutes'>) {
  const n = starts.length;
  const every = Math.max(1, Math.ceil(n / 6));
  return (
    <g className="axis">
      <line x1={M.left} x2={M.left + PW} y1={M.top + PH} y2={M.top + PH} />
      {starts.map((s, i) =>
        i % every === 0 ? (
          <text key={s} x={M.left + (i + 0.5) * (PW / n)} y={H - 14} textAnchor="middle">
            {timeLabel(s, bucketMinutes)}
          </text>
        ) : null,
      )}
    </g>
  );
}

export interface BarSeries {
  label: string;
  className: string;
  values: number[];
}

/** Stacked bars per time bucket. */
export function StackedBarChart({ title, starts, bucketMinutes, series, unit }: { title: string; starts: string[]; bucketMinutes: number; series: BarSeries[]; unit: string }) {
  const n = starts.length;
  const totals = starts.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const bw = PW / Math.max(1, n);
  const summary = series.map((s) => `${s.label} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`}>
        <YAxis max={max} unit={unit} />
        <XAxis starts={starts} bucketMinutes={bucketMinutes} />
        {starts.map((s, i) => {
          let y = M.top + PH;
          return (
            <g key={s}>
              {series.map((ser) => {
                const v = ser.values[i] ?? 0;
                if (v === 0) return null;
                const h = (v / max) * PH;
                y -= h;
                return (
                  <rect key={ser.label} x={M.left + i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={h} className={`bar ${ser.className}`} data-value={v}>
                    <title>{`${timeLabel(s, bucketMinutes)}: ${v} ${ser.label}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul className="legend" aria-label={`${title} legend`}>
        {series.map((s) => (
          <li key={s.label}>
            <span className={`swatch ${s.className}`} aria-hidden="true" /> {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** A line over time buckets; null values are gaps. */
export function LineChart({ title, starts, bucketMinutes, values, unit }: { title: string; starts: string[]; bucketMinutes: number; values: Array<number | null>; unit: string }) {
  const n = starts.length;
  const present = values.filter((v): v is number => v !== null);
  const max = niceMax(Math.max(0, ...present));
  const bw = PW / Math.max(1, n);
  const pts = values.map((v, i) => (v === null ? null : { x: M.left + (i + 0.5) * bw, y: M.top + PH - (v / max) * PH, v, i }));
  let d = '';
  let open = false;
  for (const p of pts) {
    if (!p) {
      open = false;
      continue;
    }
    d += `${open ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    open = true;
  }
  const summary = present.length === 0 ? 'no attempts' : `highest ${Math.max(...present)} ${unit}`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`}>
        <YAxis max={max} unit={unit} />
        <XAxis starts={starts} bucketMinutes={bucketMinutes} />
        {d && <path d={d} className="line" />}
        {pts.map((p) =>
          p ? (
            <circle key={p.i} cx={p.x} cy={p.y} r={3} className="point" data-value={p.v}>
              <title>{`${timeLabel(starts[p.i]!, bucketMinutes)}: ${p.v} ${unit}`}</title>
            </circle>
          ) : null,
        )}
      </svg>
    </figure>
  );
}
