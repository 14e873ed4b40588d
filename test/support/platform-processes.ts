import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A built entry point (`node dist/apps/<entry>/src/main.js`) running as its own process, with its
 * output kept for the test to read. */
export interface PlatformProcess {
  name: string;
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `entry` with only the given environment (and PATH). */
export function startPlatformProcess(entry: 'api' | 'worker', env: Record<string, string>, name: string = entry): PlatformProcess {
  const child = spawn(process.execPath, [`dist/apps/${entry}/src/main.js`], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: PlatformProcess = {
    name,
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (c: Buffer) => (proc.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (proc.stderr += c.toString()));
  return proc;
}

/** The process's pino log records so far. */
export function logRecords(proc: PlatformProcess): Array<Record<string, unknown> & { msg?: string; time?: number }> {
  return proc.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

/** Resolves when the process logs a line with this message (pino JSON), or fails if it exits first. */
export function logged(proc: PlatformProcess, msg: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const has = () => proc.stdout.split('\n').some((l) => l.includes(`"msg":"${msg}"`));
    const timer = setTimeout(() => done(new Error(`${proc.name}: no "${msg}" within ${timeoutMs} ms; stdout: ${proc.stdout.slice(-2000)} stderr: ${proc.stderr}`)), timeoutMs);
    const onData = () => has() && done();
    const onExit = () => done(new Error(`${proc.name} exited before "${msg}"; stdout: ${proc.stdout.slice(-2000)} stderr: ${proc.stderr}`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      proc.child.stdout!.off('data', onData);
      proc.child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    proc.child.stdout!.on('data', onData);
    proc.child.once('exit', onExit);
    onData();
  });
}

/** SIGKILLs whatever still runs and waits for every process to be gone. */
export async function killAll(procs: readonly PlatformProcess[]): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}
