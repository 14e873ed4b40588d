-- CreateEnum
CREATE TYPE "AlertChannel" AS ENUM ('webhook', 'email');

-- CreateEnum
CREATE TYPE "AlertOutboxStatus" AS ENUM ('pending', 'done', 'given_up');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "alert_emails" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN     "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "disabled_reason" TEXT,
ADD COLUMN     "failed_alert_at" TIMESTAMPTZ(3),
ADD COLUMN     "failed_alert_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failed_alert_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "failed_pending_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failed_pending_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "failing_alert_at" TIMESTAMPTZ(3),
ADD COLUMN     "failing_since" TIMESTAMPTZ(3),
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "last_error_kind" TEXT,
ADD COLUMN     "last_failure_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_response_status" INTEGER,
ADD COLUMN     "last_success_at" TIMESTAMPTZ(3),
ADD COLUMN     "recovered_alert_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "alert_outbox" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "recipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "AlertOutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_outbox_status_next_attempt_at_idx" ON "alert_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_outbox_endpoint_id_kind_channel_created_at_idx" ON "alert_outbox"("endpoint_id", "kind", "channel", "created_at");

-- AddForeignKey
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

