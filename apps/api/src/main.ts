import { createLogger } from '#libs/common';
import { ConfigError, loadConfig } from '#libs/config';
import { createApiApp } from './create-api-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'api', undefined, config.logFormat);
  const app = await createApiApp(config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info({ host: config.host, port: config.port }, 'api listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `api failed to start: ${(err as Error).message}`);
  process.exit(1);
});
