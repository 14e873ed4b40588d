import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { startWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { ApiClient } from './http-client.js';
import { createTestDatabase, deleteRedisPrefix, TEST_ADMIN_KEY, testConfig, uniqueName, type TestDatabase } from './test-env.js';

export interface Tenant {
  id: string;
  apiKey: string;
  client: ApiClient;
}

/** The API and the worker, in this process, on a database and BullMQ prefix of their own. */
export class TestPlatform {
  private worker?: NestFastifyApplication;

  private constructor(
    readonly config: AppConfig,
    readonly db: TestDatabase,
    readonly api: NestFastifyApplication,
    readonly apiUrl: string,
    readonly admin: ApiClient,
    private readonly logger?: Logger,
  ) {}

  /** `env` overrides the test defaults (see testConfig); `worker: false` starts only the API;
   * `logger` receives the API's and the worker's logs (default: per LOG_LEVEL, to stdout). */
  static async start(opts: { env?: Record<string, string>; worker?: boolean; logger?: Logger } = {}): Promise<TestPlatform> {
    const db = await createTestDatabase();
    const config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: uniqueName('q'), ...opts.env });
    const api = await createApiApp(config, ...(opts.logger ? [opts.logger] : []));
    await api.listen({ port: 0, host: '127.0.0.1' });
    const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    const platform = new TestPlatform(config, db, api, apiUrl, new ApiClient(apiUrl, TEST_ADMIN_KEY), opts.logger);
    if (opts.worker !== false) await platform.startWorker();
    return platform;
  }

  async startWorker(): Promise<void> {
    if (!this.worker) this.worker = await startWorkerApp(this.config, 0, ...(this.logger ? [this.logger] : []));
  }

  /** Where the running worker's health server (and /metrics) answers. */
  get workerUrl(): string {
    if (!this.worker) throw new Error('the worker is not running');
    return `http://127.0.0.1:${(this.worker.getHttpServer().address() as AddressInfo).port}`;
  }

  /** A provider of the running worker app (e.g. ReconcilerService, to run a pass on demand). */
  workerProvider<T>(token: abstract new (...args: never[]) => T): T {
    if (!this.worker) throw new Error('the worker is not running');
    return this.worker.get(token);
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  client(key?: string): ApiClient {
    return new ApiClient(this.apiUrl, key);
  }

  async createTenant(name = 'tenant'): Promise<Tenant> {
    const res = await this.admin.post('/v1/admin/tenants', { name });
    if (res.status !== 201) throw new Error(`creating a tenant failed: ${res.status} ${res.text}`);
    return { id: res.body.id, apiKey: res.body.apiKey, client: this.client(res.body.apiKey) };
  }

  /** Rows of a query against the platform's database. */
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.pool.query(sql, params)).rows as T[];
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    await this.api.close();
    await deleteRedisPrefix(this.config.queuePrefix);
    await this.db.drop();
  }
}
