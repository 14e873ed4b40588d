-- AlterTable
ALTER TABLE "events" ADD COLUMN     "expunged_at" TIMESTAMPTZ(3);

