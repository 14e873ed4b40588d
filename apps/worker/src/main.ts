import { createLogger } from '#libs/common';
import { ConfigError, loadConfig } from '#libs/config';
import { startWorkerApp } from './create-worker-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker', undefined, config.logFormat);
  await startWorkerApp(config, config.workerPort, logger);
  logger.info({ host: config.host, port: config.workerPort }, 'worker running; health on /health');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
