// DATABASE_URL and REDIS_URL as the platform reads them. Shared by the env DTO and by `npm start`'s
// preflight, which imports this file as TypeScript (Node's type stripping): so it imports nothing.

export interface ConnectionAddress {
  host: string;
  port: number;
  /** host:port, safe to print (no credentials). */
  text: string;
}

const DATABASE_EXAMPLE = 'postgresql://postgres@127.0.0.1:5432/webhooks';
const REDIS_EXAMPLE = 'redis://127.0.0.1:6379';

/** What is wrong with a DATABASE_URL, in one line naming the variable; null when it is usable. */
export function databaseUrlProblem(value: string): string | null {
  return urlProblem('DATABASE_URL', value, ['postgresql:', 'postgres:'], 'a postgresql:// URL', DATABASE_EXAMPLE);
}

/** What is wrong with a REDIS_URL, in one line naming the variable; null when it is usable. */
export function redisUrlProblem(value: string): string | null {
  const problem = urlProblem('REDIS_URL', value, ['redis:', 'rediss:'], 'a redis:// or rediss:// URL', REDIS_EXAMPLE);
  if (problem) return problem;
  const path = new URL(value).pathname;
  if (path && path !== '/' && !/^\/\d{1,2}$/.test(path)) return `REDIS_URL may end only in a database number (/0 to /99), not ${path}: e.g. ${REDIS_EXAMPLE}/0`;
  return null;
}

/** Host and port of a URL that passed its check (defaults: 5432 for Postgres, 6379 for Redis). */
export function connectionAddress(value: string, defaultPort: number): ConnectionAddress {
  const u = new URL(value);
  const port = u.port ? Number(u.port) : defaultPort;
  return { host: u.hostname, port, text: `${u.hostname}:${port}` };
}

function urlProblem(name: string, value: string, protocols: string[], kind: string, example: string): string | null {
  const shown = withoutCredentials(value);
  // `localhost:5432` parses as a URL with the scheme "localhost:", so say what it looks like.
  if (/^[\w.-]+:\d+(\/.*)?$/.test(value) || /^\[[\d:a-fA-F]+\]:\d+(\/.*)?$/.test(value)) {
    return `${name} must be ${kind} such as ${example}, not a host and port (${shown})`;
  }
  if (!URL.canParse(value)) return `${name} must be ${kind} such as ${example}; ${shown} is not a URL`;
  const u = new URL(value);
  if (!protocols.includes(u.protocol)) return `${name} must be ${kind} such as ${example}, not ${u.protocol}//...`;
  if (!u.hostname) return `${name} must name a host, e.g. ${example}`;
  return null;
}

/** The value with any password replaced, for messages. */
function withoutCredentials(value: string): string {
  return value.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
