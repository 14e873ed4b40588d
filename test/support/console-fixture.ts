import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The hashed asset names the fixture console has (as Vite would write them). */
export const FIXTURE_ASSETS = { script: 'assets/app-3f9a1c2b.js', style: 'assets/app-7d0e44aa.css', frame: 'assets/frame-5b1e9d07.js' } as const;

/** A small built console, as apps/console/dist would be: index.html with an external script and an
 * inline one (which the CSP must block), a stylesheet, a favicon, a page meant to be framed, and
 * a file outside the console directory (which no request may reach). */
export interface ConsoleFixture {
  dir: string;
  /** A file beside (not inside) `dir`. */
  secretPath: string;
  remove(): Promise<void>;
}

const INDEX = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>fixture console</title>
  <link rel="stylesheet" href="/console/${FIXTURE_ASSETS.style}">
  <script src="/console/${FIXTURE_ASSETS.script}"></script>
</head>
<body>
  <h1 id="marker">fixture console</h1>
  <script>document.body.dataset.inline = 'ran'</script>
</body>
</html>
`;

/** Records CSP violations and marks that it ran (an external script: allowed by script-src 'self'). */
const SCRIPT = `window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI); });
document.documentElement.dataset.external = 'ran';
`;

export async function writeConsoleFixture(): Promise<ConsoleFixture> {
  const base = await mkdtemp(join(tmpdir(), 'hookrelay-console-'));
  const dir = join(base, 'dist');
  const files: Record<string, string> = {
    'index.html': INDEX,
    [FIXTURE_ASSETS.script]: SCRIPT,
    [FIXTURE_ASSETS.style]: 'h1 { color: rgb(1, 2, 3); }\n',
    [FIXTURE_ASSETS.frame]: 'document.documentElement.dataset.framed = "ran";\n',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  const secretPath = join(base, 'secret.txt');
  await writeFile(secretPath, 'outside the console\n');
  return { dir, secretPath, remove: () => rm(base, { recursive: true, force: true }) };
}
