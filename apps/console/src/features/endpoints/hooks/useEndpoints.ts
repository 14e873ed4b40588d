import { useState } from 'react';
import { useApi } from '../../../app/session-context';
import { useMutation, useQuery } from '../../../app/query';
import type { EndpointInput, Recovery, StatsWindow } from '../../../api/types';

export function useEndpointList(cursor?: string) {
  const api = useApi();
  return useQuery(`endpoints:${cursor ?? ''}`, () => api.endpoints.list(cursor), { intervalMs: 15_000 });
}

export function useEndpoint(id: string) {
  const api = useApi();
  return useQuery(`endpoint:${id}`, () => api.endpoints.get(id));
}

export function useEndpointStats(id: string, window: StatsWindow, intervalMs?: number) {
  const api = useApi();
  return useQuery(`stats:${id}:${window}`, () => api.endpoints.stats(id, window), { intervalMs });
}

export function useCreateEndpoint() {
  const api = useApi();
  return useMutation((input: EndpointInput) => api.endpoints.create(input));
}

export function useUpdateEndpoint(id: string) {
  const api = useApi();
  return useMutation((input: EndpointInput) => api.endpoints.update(id, input));
}

export function useEndpointActions(id: string) {
  const api = useApi();
  return {
    rotate: useMutation(() => api.endpoints.rotateSecret(id)),
    remove: useMutation(async () => {
      await api.endpoints.remove(id);
      return true;
    }),
    sendTest: useMutation((type: string) => api.events.dispatch(type, { test: true, sentFrom: 'hookrelay console', at: new Date().toISOString() })),
  };
}

/** The endpoint's latest recovery, polled at GET /v1/recoveries/:id while it runs. */
export function useRecovery(endpointId: string) {
  const api = useApi();
  const latest = useQuery(`recoveries:${endpointId}`, () => api.endpoints.recoveries(endpointId));
  const [started, setStarted] = useState<Recovery | null>(null);
  const base = started ?? latest.data?.data[0] ?? null;
  const live = useQuery(`recovery:${base?.id ?? ''}`, () => api.recoveries.get(base!.id), {
    intervalMs: (r) => ((r ?? base)?.status === 'running' ? 1000 : undefined),
    enabled: base !== null,
  });
  const start = useMutation(async (since: string) => {
    const r = await api.endpoints.recover(endpointId, since);
    setStarted(r);
    return r;
  });
  const current = live.data && live.data.id === base?.id ? live.data : base;
  return { current, error: latest.error ?? live.error, start };
}
