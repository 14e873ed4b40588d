import { useApi } from '../../../app/session-context';
import { useMutation, useQuery } from '../../../app/query';
import type { EventFilter } from '../../../api/types';

export function useEventList(filter: EventFilter) {
  const api = useApi();
  return useQuery(`events:${JSON.stringify(filter)}`, () => api.events.list(filter), { intervalMs: filter.cursor ? undefined : 5000 });
}

export function useEvent(id: string) {
  const api = useApi();
  return useQuery(`event:${id}`, () => api.events.get(id), { intervalMs: (e) => (e?.deliveries.some((d) => d.status === 'pending') ? 2000 : undefined) });
}

export function useReplay(id: string) {
  const api = useApi();
  return useMutation((force: boolean) => api.events.replay(id, force));
}
