import { after, before } from 'node:test';
import { TestPlatform } from './platform.js';
import { TestReceiver } from './receiver.js';

export interface PlatformFixture {
  platform: TestPlatform;
  receiver: TestReceiver;
}

/** Starts a receiver and a platform before the enclosing suite and stops both after it. The
 * returned object is filled in by the `before` hook. `env` may be a function, read in that hook
 * (after the suite's earlier `before` hooks, e.g. one that writes a directory the platform needs). */
export function usePlatform(opts: { env?: Record<string, string> | (() => Record<string, string>); worker?: boolean } = {}): PlatformFixture {
  const f = {} as PlatformFixture;
  before(async () => {
    f.receiver = await TestReceiver.start();
    f.platform = await TestPlatform.start({ ...opts, env: typeof opts.env === 'function' ? opts.env() : opts.env });
  });
  after(async () => {
    await f.platform?.stop();
    await f.receiver?.close();
  });
  return f;
}
