import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig, describeRedisTopology } from '#libs/config';
import { createRedisClient, type RedisClient, type RedisRole } from './redis-options.js';

/** Opens every Redis connection of a process (through createRedisClient, against the configured
 * topology) and closes them all at shutdown, after the workers and the HTTP server have stopped. */
@Injectable()
export class RedisConnections implements OnModuleInit, OnApplicationShutdown {
  private readonly clients: RedisClient[] = [];

  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  open(role: RedisRole): RedisClient {
    const client = createRedisClient(this.config.redis, role);
    this.clients.push(client);
    return client;
  }

  onModuleInit(): void {
    const topology = this.config.redis;
    if (topology.kind === 'cluster') this.logger.info({ redis: describeRedisTopology(topology) }, 'Redis Cluster from REDIS_CLUSTER_NODES; REDIS_URL is not used');
    if (topology.kind === 'sentinel') this.logger.info({ redis: describeRedisTopology(topology) }, 'Redis through Sentinel from REDIS_SENTINELS; REDIS_URL is not used');
  }

  onApplicationShutdown(): void {
    for (const client of this.clients.splice(0)) client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisConnections], exports: [RedisConnections] })
export class RedisModule {}
