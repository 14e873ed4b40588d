// Data hooks' plumbing: load, reload, poll, and run a write with its error kept for the page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/client';

export interface QueryState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `key` changes and every `intervalMs` while mounted (when given). */
export function useQuery<T>(key: string, load: () => Promise<T>, opts: { intervalMs?: number | ((data: T | undefined) => number | undefined); enabled?: boolean } = {}): QueryState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean; key: string }>({ data: undefined, error: null, loading: true, key });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const enabled = opts.enabled ?? true;

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => (s.key === key ? { ...s, loading: true } : { data: undefined, error: null, loading: true, key }));
    loadRef.current().then(
      (data) => live && setState({ data, error: null, loading: false, key }),
      (err: unknown) => live && setState((s) => ({ ...s, error: errorText(err), loading: false, key })),
    );
    return () => {
      live = false;
    };
  }, [key, tick, enabled]);

  const intervalMs = typeof opts.intervalMs === 'function' ? opts.intervalMs(state.key === key ? state.data : undefined) : opts.intervalMs;
  useEffect(() => {
    if (!intervalMs || !enabled) return;
    const t = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, enabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.key === key ? state.data : undefined, error: state.error, loading: state.loading, reload };
}

export interface MutationState<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: string | null;
  reset: () => void;
}

/** A write: `run` resolves to the result, or undefined after putting the error in words in `error`. */
export function useMutation<A extends unknown[], R>(fn: (...args: A) => Promise<R>): MutationState<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      return await fnRef.current(...args);
    } catch (err) {
      setError(errorText(err));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, reset: useCallback(() => setError(null), []) };
}
