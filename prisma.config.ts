// Prisma CLI configuration. The Wasm schema engine (`engine: "js"`) runs offline through the pg driver
// adapter; see docs/prisma.md for why and for how migrations are written.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { createPgPool } from './libs/database/src/pg-pool.ts';

// The schema's `env("DATABASE_URL")` must resolve even for `prisma generate`, so the default is set here.
const url = (process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/webhooks');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg(createPgPool({ connectionString: url, max: 2 })),
});
