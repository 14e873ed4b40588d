import { useApi } from '../../../app/session-context';
import { useMutation, useQuery } from '../../../app/query';
import type { DeliveryFilter } from '../../../api/types';

export function useDeliveryList(filter: DeliveryFilter, autoRefresh: boolean) {
  const api = useApi();
  return useQuery(`deliveries:${JSON.stringify(filter)}`, () => api.deliveries.list(filter), { intervalMs: autoRefresh ? 3000 : undefined });
}

export function useDelivery(id: string) {
  const api = useApi();
  // Follows a pending delivery until it ends.
  return useQuery(`delivery:${id}`, () => api.deliveries.get(id), { intervalMs: (d) => (d?.status === 'pending' ? 1500 : undefined) });
}

export function useResend() {
  const api = useApi();
  return useMutation((id: string) => api.deliveries.resend(id));
}
