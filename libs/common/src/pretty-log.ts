/** LOG_FORMAT=pretty: pino still builds (and redacts) each JSON record; this turns it into one line
 * a person reads, `12:04:05.120 INFO  [context] message key=value ...`. Development only. */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every record has that say nothing to a reader (`npm start` prefixes each line with the
 * process), and the correlation ids a reader does not need on every line (the JSON keeps them). */
const NOT_SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'context', 'tenantId', 'eventId', 'endpointId']);

export function formatPrettyLine(json: string, now: () => Date = () => new Date()): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof record.time === 'number' ? new Date(record.time) : now();
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const context = typeof record.context === 'string' ? `[${record.context}] ` : '';
  const fields: string[] = [];
  // A stack trace is the one thing that keeps its own lines, indented under the record.
  const blocks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (NOT_SHOWN.has(key) || value === undefined) continue;
    const stack = stackOf(value);
    if (stack) {
      fields.push(`${key}=${formatValue(firstLine(stack))}`);
      blocks.push(...stack.split('\n').slice(1).map((l) => `    ${l.trim()}`));
      continue;
    }
    fields.push(`${key}=${formatValue(value)}`);
  }
  const line = [`${clock(time)} ${level} ${context}${String(record.msg ?? '')}`, ...fields].join(' ');
  return [line, ...blocks].join('\n') + '\n';
}

/** A destination for pino that writes pretty lines to `out`. */
export function prettyDestination(out: NodeJS.WritableStream = process.stdout): { write(chunk: string): boolean } {
  return { write: (chunk: string) => out.write(formatPrettyLine(chunk.trimEnd())) };
}

function clock(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function stackOf(value: unknown): string | null {
  if (typeof value === 'string' && value.includes('\n    at ')) return value;
  if (value && typeof value === 'object' && typeof (value as { stack?: unknown }).stack === 'string') return (value as { stack: string }).stack;
  return null;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
