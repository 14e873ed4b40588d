-- CreateEnum
CREATE TYPE "RecoveryStatus" AS ENUM ('running', 'completed', 'cancelled', 'failed');

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "series" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "series_start" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "recoveries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "status" "RecoveryStatus" NOT NULL DEFAULT 'running',
    "total" INTEGER,
    "enqueued" INTEGER NOT NULL DEFAULT 0,
    "cursor" UUID,
    "page_start" UUID,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "recoveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "recoveries_tenant_id_endpoint_id_id_idx" ON "recoveries"("tenant_id", "endpoint_id", "id" DESC);

-- AddForeignKey
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: at most one running recovery per endpoint (the recover route inserts ON CONFLICT
-- against it), and the reconciler's scan of running recoveries.
CREATE UNIQUE INDEX "recoveries_one_running_idx" ON "recoveries"("endpoint_id") WHERE "status" = 'running';
