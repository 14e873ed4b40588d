// The signed-in key lives in sessionStorage only: never in a URL, localStorage or a log.
export type KeyKind = 'tenant' | 'service' | 'portal' | 'admin';

export interface Session {
  key: string;
  kind: KeyKind;
  /** Hookrelay-Tenant for service and admin keys acting for one tenant: a tenant id or ext:<externalId>. */
  tenant: string | null;
}

const STORAGE_KEY = 'hookrelay.console.session';

/** What a key is, by the prefix the API gives each kind; anything else is taken for the admin key. */
export function keyKind(key: string): KeyKind {
  if (key.startsWith('whk_')) return 'tenant';
  if (key.startsWith('hrs_')) return 'service';
  if (key.startsWith('hrp_')) return 'portal';
  return 'admin';
}

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.key !== 'string' || s.key.length === 0) return null;
    return { key: s.key, kind: keyKind(s.key), tenant: typeof s.tenant === 'string' ? s.tenant : null };
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ key: s.key, tenant: s.tenant }));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Tenant pages need a tenant: a tenant or portal key has its own; service and admin keys pick one. */
export function hasTenant(s: Session): boolean {
  return s.kind === 'tenant' || s.kind === 'portal' || s.tenant !== null;
}

/** Operator pages: the admin key, or a service key (the API refuses the scopes it lacks, in words). */
export function isOperator(s: Session): boolean {
  return s.kind === 'admin' || s.kind === 'service';
}
