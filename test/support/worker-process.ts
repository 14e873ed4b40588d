import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort } from './private-services.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The worker as its own process (`node dist/apps/worker/src/main.js`), so a test can send it
 * signals: SIGTERM for a graceful stop, SIGKILL for a crash. Output goes to `logFile`. */
export class WorkerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {}

  static async start(env: Record<string, string>, logFile: string): Promise<WorkerProcess> {
    const port = await freePort();
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env, WORKER_PORT: String(port) },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const w = new WorkerProcess(child, port, exited);
    try {
      await w.waitReady();
    } catch (err) {
      // A worker too slow to come up must not outlive the test (it would keep the test process alive).
      await w.kill();
      throw err;
    }
    return w;
  }

  /** Until its health endpoint answers (it listens before it starts taking jobs). */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`worker exited during start-up with ${this.child.exitCode}`);
      try {
        const res = await request(`http://127.0.0.1:${this.port}/health/live`);
        await res.body.dump();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error('worker did not come up within 60 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  /** SIGKILL and wait: what a crash or an OOM kill looks like. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
