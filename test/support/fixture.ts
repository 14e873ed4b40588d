import { after, before } from 'node:test';
import { TestPlatform } from './platform.js';
import { TestReceiver } from './receiver.js';

export interface PlatformFixture {
  platform: TestPlatform;
  receiver: TestReceiver;
}

/** Starts a receiver and a platform before the enclosing suite and stops both after it. The
 * returned object is filled in by the `before` hook. */
export function usePlatform(opts: { env?: Record<string, string>; worker?: boolean } = {}): PlatformFixture {
  const f = {} as PlatformFixture;
  before(async () => {
    f.receiver = await TestReceiver.start();
    f.platform = await TestPlatform.start(opts);
  });
  after(async () => {
    await f.platform?.stop();
    await f.receiver?.close();
  });
  return f;
}
