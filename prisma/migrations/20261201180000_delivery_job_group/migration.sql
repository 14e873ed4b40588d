-- The group job that carries a delivery's first attempt (issue 14): nullable, no default, so adding
-- it rewrites nothing.
ALTER TABLE "deliveries" ADD COLUMN "job_group" UUID;
