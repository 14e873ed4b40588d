import { useApi } from '../../../app/session-context';
import { useMutation, useQuery } from '../../../app/query';
import type { DeliveryFilter, TenantInput } from '../../../api/types';

export function useTenants(cursor?: string) {
  const api = useApi();
  return useQuery(`tenants:${cursor ?? ''}`, () => api.admin.tenants(cursor));
}

export function useTenantWrites() {
  const api = useApi();
  return {
    create: useMutation((input: TenantInput) => api.admin.createTenant(input)),
    update: useMutation((id: string, input: TenantInput) => api.admin.updateTenant(id, input)),
    portal: useMutation((id: string, input: { expiresInSeconds?: number; readOnly?: boolean }) => api.admin.portalSession(id, input)),
  };
}

export function useServiceKeys() {
  const api = useApi();
  const list = useQuery('service-keys', () => api.admin.serviceKeys());
  return {
    list,
    create: useMutation((name: string, scopes: string[]) => api.admin.createServiceKey(name, scopes)),
    revoke: useMutation(async (id: string) => {
      await api.admin.revokeServiceKey(id);
      return true;
    }),
  };
}

export function useAdminDeliveries(filter: DeliveryFilter, autoRefresh: boolean) {
  const api = useApi();
  return useQuery(`admin-deliveries:${JSON.stringify(filter)}`, () => api.admin.deliveries(filter), { intervalMs: autoRefresh ? 5000 : undefined });
}

export function useAdminDelivery(id: string) {
  const api = useApi();
  return useQuery(`admin-delivery:${id}`, () => api.admin.delivery(id));
}

export function useOverview() {
  const api = useApi();
  return useQuery('overview', () => api.admin.overview(), { intervalMs: 10_000 });
}
