-- Security: signing secrets move to their own table (encrypted at rest, several live during a
-- rotation), and endpoints get custom headers and a per-endpoint delivery rate.

-- CreateTable
CREATE TABLE "endpoint_secrets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "endpoint_secrets_pkey" PRIMARY KEY ("id")
);

-- Existing plaintext secrets cannot be encrypted in SQL: the key lives only in SECRETS_KEY of the
-- application. They move here marked with key id plaintext, and the API re-seals every such row
-- with the active key when it starts (SecretResealer), so they are plaintext only until then.
INSERT INTO "endpoint_secrets" ("id", "tenant_id", "endpoint_id", "ciphertext", "key_id", "created_at")
SELECT gen_random_uuid(), "tenant_id", "id", "secret", 'plaintext', "created_at" FROM "endpoints";

-- AlterTable
ALTER TABLE "endpoints" DROP COLUMN "secret",
ADD COLUMN     "headers" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "rate_limit_per_second" INTEGER;

-- CreateIndex
CREATE INDEX "endpoint_secrets_endpoint_id_idx" ON "endpoint_secrets"("endpoint_id");

-- CreateIndex
CREATE INDEX "endpoint_secrets_key_id_idx" ON "endpoint_secrets"("key_id");

-- AddForeignKey
ALTER TABLE "endpoint_secrets" ADD CONSTRAINT "endpoint_secrets_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
