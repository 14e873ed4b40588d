-- CreateEnum
CREATE TYPE "PayloadFormat" AS ENUM ('envelope', 'data');

-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN     "batch_max_events" INTEGER,
ADD COLUMN     "batch_max_wait_ms" INTEGER,
ADD COLUMN     "payload_format" "PayloadFormat" NOT NULL DEFAULT 'envelope',
ADD COLUMN     "signature" JSONB NOT NULL DEFAULT '{"scheme":"standard-webhooks"}',
ADD COLUMN     "timeout_ms" INTEGER;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "batch_id" UUID,
ADD COLUMN     "batch_position" INTEGER,
ADD COLUMN     "seq" BIGINT;
-- What BIGSERIAL is, without filling the rows that exist (which would rewrite the whole table under
-- a lock): they keep a null seq, which sorts first.
CREATE SEQUENCE "deliveries_seq_seq" OWNED BY "deliveries"."seq";
ALTER TABLE "deliveries" ALTER COLUMN "seq" SET DEFAULT nextval('deliveries_seq_seq');

-- AlterTable
ALTER TABLE "delivery_attempts" ADD COLUMN     "batch_id" UUID;

-- CreateTable
CREATE TABLE "delivery_batches" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "payload_format" "PayloadFormat" NOT NULL,
    "size" INTEGER NOT NULL,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "delivery_batches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "delivery_batches_endpoint_id_idx" ON "delivery_batches"("endpoint_id");

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "delivery_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_batches" ADD CONSTRAINT "delivery_batches_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_batches" ADD CONSTRAINT "delivery_batches_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A batch claims an endpoint's pending deliveries not yet in a batch, in dispatch order: this index
-- answers that claim and holds only deliveries still waiting to be claimed or finished.
CREATE INDEX "deliveries_unbatched_idx" ON "deliveries"("endpoint_id", "seq" NULLS FIRST) WHERE "status" = 'pending' AND "batch_id" IS NULL;

-- A batch's members in body order (only batched deliveries are in it).
CREATE INDEX "deliveries_batch_idx" ON "deliveries"("batch_id", "batch_position") WHERE "batch_id" IS NOT NULL;
