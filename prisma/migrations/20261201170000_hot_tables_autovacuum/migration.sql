-- Hand-written (issue 14): no schema change. The hot-path statements are prepared once per
-- connection and Postgres may keep their generic plan, and a plan is made again when its tables are
-- analysed. These tables grow with traffic, so they are analysed after 500 rows plus 2% have changed
-- (default: 50 rows plus 10%), and the append-mostly ones vacuumed sooner too, so that a plan made
-- while a table was small does not outlive it. scripts/db-migrate.mjs runs ANALYZE after migrating.
ALTER TABLE "events" SET (autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE "deliveries" SET (autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE "delivery_attempts" SET (autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.05);
ALTER TABLE "delivery_batches" SET (autovacuum_analyze_threshold = 500, autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.05);
ALTER TABLE "endpoints" SET (autovacuum_analyze_threshold = 100, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE "endpoint_secrets" SET (autovacuum_analyze_threshold = 100, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE "api_keys" SET (autovacuum_analyze_threshold = 100, autovacuum_analyze_scale_factor = 0.05);
