import type { Endpoint } from '../../../api/types';
import { useEndpointStats } from '../hooks/useEndpoints';

/** 24 h success rate from the stats route, and "failing since" from the endpoint's health. */
export function HealthBadge({ endpoint }: { endpoint: Endpoint }) {
  const stats = useEndpointStats(endpoint.id, '24h');
  const rate = stats.data?.successRate;
  const failing = endpoint.health.failingSince;
  const rateText = stats.error ? 'success rate unavailable' : rate === undefined ? '…' : rate === null ? 'no attempts in 24 h' : `${(rate * 100).toFixed(1)}% succeeded in 24 h`;
  const level = failing ? 'failing' : rate == null ? 'idle' : rate >= 0.99 ? 'healthy' : 'degraded';
  return (
    <span className={`badge badge-${level}`}>
      {rateText}
      {failing && ` · failing since ${new Date(failing).toLocaleString()}`}
    </span>
  );
}
