import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { createApi, type Api } from '../api/client';
import type { Session } from '../auth/session';

interface SessionValue {
  session: Session;
  api: Api;
  setTenant: (tenant: string | null) => void;
  signOut: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ session, setTenant, signOut, children }: { session: Session; setTenant: (t: string | null) => void; signOut: () => void; children: ReactNode }) {
  const value = useMemo(() => ({ session, api: createApi(session), setTenant, signOut }), [session, setTenant, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export function useApi(): Api {
  return useSession().api;
}
