#!/usr/bin/env node
// Fails the console build when its first page loads more than 250 KB of gzipped JavaScript: the
// entry chunk and every chunk it imports statically (routes split with React.lazy load later).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT = 250 * 1024;
const dist = fileURLToPath(new URL('../apps/console/dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entry) {
  console.error('check-console-size: no entry chunk in the Vite manifest');
  process.exit(1);
}
const seen = new Set();
const walk = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) walk(dep);
};
walk(entry);

let total = 0;
for (const key of seen) {
  const file = manifest[key].file;
  if (!file.endsWith('.js')) continue;
  total += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (total > LIMIT) {
  console.error(`check-console-size: the first page loads ${kb(total)} of gzipped JavaScript (${seen.size} chunks), over the ${kb(LIMIT)} budget. Split routes with React.lazy or drop a dependency.`);
  process.exit(1);
}
console.log(`check-console-size: first page ${kb(total)} of gzipped JavaScript in ${seen.size} chunk(s), budget ${kb(LIMIT)}`);
