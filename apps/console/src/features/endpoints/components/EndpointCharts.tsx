import { useState } from 'react';
import type { StatsWindow } from '../../../api/types';
import { LineChart, StackedBarChart } from '../../../components/charts';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { useEndpointStats } from '../hooks/useEndpoints';

const WINDOWS: StatsWindow[] = ['1h', '24h', '7d'];

export function EndpointCharts({ endpointId }: { endpointId: string }) {
  const [window, setWindow] = useState<StatsWindow>('1h');
  const stats = useEndpointStats(endpointId, window, 10_000);
  const s = stats.data;
  return (
    <section aria-labelledby="charts-h">
      <div className="heading">
        <h2 id="charts-h">Attempts and latency</h2>
        <div role="group" aria-label="Time window">
          {WINDOWS.map((w) => (
            <button key={w} type="button" aria-pressed={w === window} onClick={() => setWindow(w)}>
              {w}
            </button>
          ))}
        </div>
      </div>
      <ErrorMessage error={stats.error} />
      {!s && stats.loading && <Loading what="statistics" />}
      {s && (
        <>
          <p>
            {s.attempts} attempts, {s.succeeded} succeeded, {s.failed} failed
            {s.successRate !== null && ` (${(s.successRate * 100).toFixed(1)}% success)`}; p50 {s.latencyMs.p50 ?? '—'} ms, p95 {s.latencyMs.p95 ?? '—'} ms, p99 {s.latencyMs.p99 ?? '—'} ms.
          </p>
          <div className="charts">
            <StackedBarChart
              title={`Attempts by result, last ${s.window}`}
              unit="attempts"
              starts={s.series.map((b) => b.start)}
              bucketMinutes={s.bucketMinutes}
              series={[
                { label: 'succeeded', className: 's-ok', values: s.series.map((b) => b.succeeded) },
                { label: 'failed', className: 's-bad', values: s.series.map((b) => b.failed) },
              ]}
            />
            <LineChart title={`p95 latency, last ${s.window}`} unit="ms" starts={s.series.map((b) => b.start)} bucketMinutes={s.bucketMinutes} values={s.series.map((b) => b.p95Ms)} />
          </div>
          <table aria-label="Attempts by result" className="compact">
            <thead>
              <tr>
                {Object.keys(s.byResult).map((k) => (
                  <th key={k} scope="col">
                    {k}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {Object.entries(s.byResult).map(([k, v]) => (
                  <td key={k}>{v}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
