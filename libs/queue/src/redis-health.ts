import { Injectable } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { RedisConnections } from './redis-connections.js';
import type { RedisClient } from './redis-options.js';

/** A small dedicated connection for health checks, so a check never queues behind job traffic. */
@Injectable()
export class RedisHealth {
  private readonly client: RedisClient;

  constructor(connections: RedisConnections) {
    this.client = connections.open('health');
  }

  async isUp(): Promise<boolean> {
    try {
      if (this.client.status === 'wait') await this.client.connect();
      // A cluster node answers PING while slots have no master; CLUSTER INFO says whether all are served.
      if (this.client instanceof Cluster) return /cluster_state:ok/.test(await this.client.cluster('INFO'));
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
}
