// What `npm start` sets for a local setup when the variable is unset, and the line it prints saying so.
// The README's "Run it" section names each of these (a test checks that it does).

// A fixed development key, so secrets sealed by one local run open in the next. Never use it elsewhere.
const DEV_SECRETS_KEY = 'dev1:aG9va3JlbGF5LWxvY2FsLWRldmVsb3BtZW50LWtleSE=';
export const DEV_ADMIN_API_KEY = 'dev-admin-key-change-me';
const DEV_ALLOWED_TARGET_CIDRS = '127.0.0.0/8,::1/128';

/** `whenEmpty`: an empty value counts as unset (for variables that cannot be empty). */
export const DEV_DEFAULTS = [
  {
    name: 'ADMIN_API_KEY',
    value: DEV_ADMIN_API_KEY,
    whenEmpty: true,
    why: `using the development key ${DEV_ADMIN_API_KEY} (set your own for anything but a local setup)`,
  },
  {
    name: 'HOST',
    value: '127.0.0.1',
    why: 'using 127.0.0.1, so the API and the worker answer on this machine only (the admin key above is public)',
  },
  { name: 'ALLOW_INSECURE_URLS', value: 'true', why: 'using true, so endpoints may be plain http:// receivers on this machine' },
  {
    name: 'SECRETS_KEY',
    value: DEV_SECRETS_KEY,
    whenEmpty: true,
    why: 'using a fixed development key to seal signing secrets (set your own: id:$(openssl rand -base64 32))',
  },
  {
    name: 'ALLOWED_TARGET_CIDRS',
    value: DEV_ALLOWED_TARGET_CIDRS,
    why: `using ${DEV_ALLOWED_TARGET_CIDRS}, so webhooks may go to receivers on this machine`,
  },
  { name: 'LOG_FORMAT', value: 'pretty', why: 'using pretty: one readable line per log record (json for pino JSON, as in production)' },
];
