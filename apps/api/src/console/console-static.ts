import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '#libs/config';
import type { ErrorBody } from '../common/error-body.js';

/** apps/console/dist of this checkout, from dist/apps/api/src/console/. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../../../apps/console/dist/', import.meta.url));

export const CONSOLE_PATH = '/console';

/** The console's CSP: nothing inline, nothing from elsewhere; who may frame it comes from PORTAL_FRAME_ANCESTORS. */
export function consoleCsp(frameAncestors: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hashed build output: its name changes with its content, so it may be cached for good. */
const IMMUTABLE_PREFIX = 'assets/';

type Found = { kind: 'file'; path: string; size: number } | { kind: 'missing' };

async function fileAt(path: string): Promise<Found> {
  try {
    const s = await stat(path);
    return s.isFile() ? { kind: 'file', path, size: s.size } : { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
}

/** The relative file a request path names under the console, or an error message: no `.`/`..`
 * segments, backslashes, NUL or empty segments; percent-decoding is already done by the router. */
export function consoleRelativePath(wildcard: string): { path: string } | { problem: string } {
  if (wildcard === '') return { path: '' };
  const segments = wildcard.split('/');
  // A trailing slash (a client route such as /console/portal/) is allowed; inner empty segments are not.
  if (segments[segments.length - 1] === '') segments.pop();
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0')) return { problem: 'the console path must not contain ., .. or empty segments, backslashes or NUL' };
  }
  return { path: segments.join('/') };
}

/** Serves the built console (CONSOLE_DIR, default apps/console/dist) at /console: strict CSP and
 * security headers on every response, hashed assets cached for a year, index.html never cached,
 * and every other path that is not a file answered with index.html (the console's own routes). */
export function serveConsole(app: FastifyInstance, config: AppConfig): void {
  const configured = config.consoleDir;
  const root = configured ? (isAbsolute(configured) ? configured : resolve(configured)) : DEFAULT_CONSOLE_DIR;
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  const csp = consoleCsp(config.portalFrameAncestors);

  const secure = (reply: FastifyReply) => reply.header('content-security-policy', csp).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

  const fail = (reply: FastifyReply, status: number, message: string) => {
    const body: ErrorBody = { statusCode: status, error: status === 404 ? 'Not Found' : 'Bad Request', message };
    return secure(reply).status(status).header('cache-control', 'no-store').send(body);
  };

  const send = (reply: FastifyReply, file: { path: string; size: number }, cacheControl: string) =>
    secure(reply)
      .header('content-type', CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', file.size)
      .header('cache-control', cacheControl)
      .send(createReadStream(file.path));

  const handler = async (req: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
    const index = await fileAt(join(root, 'index.html'));
    if (index.kind === 'missing') {
      return fail(reply, 404, `the console is not built: build apps/console (vite writes apps/console/dist), or point CONSOLE_DIR at a built console (looked in ${root})`);
    }
    const rel = consoleRelativePath(req.params['*'] ?? '');
    if ('problem' in rel) return fail(reply, 400, rel.problem);
    if (rel.path !== '' && rel.path !== 'index.html') {
      const full = resolve(root, rel.path);
      if (!full.startsWith(rootWithSep)) return fail(reply, 400, 'the console path leaves the console directory');
      const found = await fileAt(full);
      if (found.kind === 'file') return send(reply, found, rel.path.startsWith(IMMUTABLE_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache');
      // A missing hashed asset is an old page asking for an old build: HTML in its place would only confuse.
      if (rel.path.startsWith(IMMUTABLE_PREFIX)) return fail(reply, 404, `no such console asset: ${rel.path}`);
    }
    return send(reply, index, 'no-cache');
  };

  app.get(CONSOLE_PATH, handler);
  app.get(`${CONSOLE_PATH}/*`, handler);
}
