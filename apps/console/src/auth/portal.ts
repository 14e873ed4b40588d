import { BASE } from '../app/router';
import { saveSession } from './session';

/** On /console/portal#token=hrp_...: signs in with the token and replaces the URL with one without it. */
export function takePortalToken(): void {
  if (!window.location.pathname.startsWith(`${BASE}/portal`)) return;
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token && token.startsWith('hrp_')) {
    saveSession({ key: token, kind: 'portal', tenant: null });
    window.history.replaceState(null, '', `${BASE}/endpoints`);
  } else {
    window.history.replaceState(null, '', `${BASE}/signin?portal=invalid`);
  }
}
