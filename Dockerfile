# syntax=docker/dockerfile:1
# One image for the API, the worker and the one-shot migration (see docker-compose.yml), on Node 24 LTS.

# --- build: full install (TypeScript, Vite), compile apps and libs to dist/, the console to apps/console/dist/
FROM node:24-bookworm-slim AS build
WORKDIR /app
# `npm ci` runs `prisma generate` (postinstall), which reads the schema and prisma.config.ts.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY libs/database/src/pg-pool.ts ./libs/database/src/pg-pool.ts
# npm ci installs the workspaces (packages/*, the typed client) too: it needs their package.json.
COPY packages/client/package.json ./packages/client/package.json
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages ./packages
COPY apps ./apps
COPY libs ./libs
# The console's build ends with its size check.
COPY scripts/check-console-size.mjs ./scripts/check-console-size.mjs
RUN npm run build

# --- runtime: production dependencies only ----------------------------------------------------
# The prisma CLI is a production dependency, so `npm run db:migrate` works from this image.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY libs/database/src/pg-pool.ts ./libs/database/src/pg-pool.ts
COPY packages/client/package.json ./packages/client/package.json
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY scripts ./scripts
COPY --from=build /app/dist ./dist
# The web console, served by the API at /console.
COPY --from=build /app/apps/console/dist ./apps/console/dist
USER node
EXPOSE 3000 3001
# The API by default; the worker runs `node --max-old-space-size=192 --max-semi-space-size=16 dist/apps/worker/src/main.js`, the migration `npm run db:migrate`.
CMD ["node", "--max-old-space-size=192", "--max-semi-space-size=16", "dist/apps/api/src/main.js"]
