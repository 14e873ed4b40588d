-- CreateTable
CREATE TABLE "endpoint_stats_minutes" (
    "endpoint_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "status_2xx" INTEGER NOT NULL DEFAULT 0,
    "status_3xx" INTEGER NOT NULL DEFAULT 0,
    "status_4xx" INTEGER NOT NULL DEFAULT 0,
    "status_5xx" INTEGER NOT NULL DEFAULT 0,
    "timeouts" INTEGER NOT NULL DEFAULT 0,
    "network_errors" INTEGER NOT NULL DEFAULT 0,
    "latency" INTEGER[],

    CONSTRAINT "endpoint_stats_minutes_pkey" PRIMARY KEY ("endpoint_id","minute")
);

-- CreateTable
CREATE TABLE "endpoint_stats_periods" (
    "endpoint_id" UUID NOT NULL,
    "period_start" TIMESTAMPTZ(0) NOT NULL,
    "tenant_id" UUID NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "status_2xx" INTEGER NOT NULL DEFAULT 0,
    "status_3xx" INTEGER NOT NULL DEFAULT 0,
    "status_4xx" INTEGER NOT NULL DEFAULT 0,
    "status_5xx" INTEGER NOT NULL DEFAULT 0,
    "timeouts" INTEGER NOT NULL DEFAULT 0,
    "network_errors" INTEGER NOT NULL DEFAULT 0,
    "latency" INTEGER[],

    CONSTRAINT "endpoint_stats_periods_pkey" PRIMARY KEY ("endpoint_id","period_start")
);

-- CreateIndex
CREATE INDEX "endpoint_stats_minutes_minute_idx" ON "endpoint_stats_minutes" USING BRIN ("minute");

-- CreateIndex
CREATE INDEX "endpoint_stats_periods_period_start_idx" ON "endpoint_stats_periods" USING BRIN ("period_start");

-- CreateIndex
CREATE INDEX "events_tenant_id_type_id_idx" ON "events"("tenant_id", "type", "id" DESC);

-- AddForeignKey
ALTER TABLE "endpoint_stats_minutes" ADD CONSTRAINT "endpoint_stats_minutes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_stats_minutes" ADD CONSTRAINT "endpoint_stats_minutes_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_stats_periods" ADD CONSTRAINT "endpoint_stats_periods_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_stats_periods" ADD CONSTRAINT "endpoint_stats_periods_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Adds two latency histograms element by element: the stats flush merges a batch's histogram into the stored minute's or period's (ON CONFLICT DO UPDATE), so concurrent flushes from several workers add up.
CREATE FUNCTION hist_add(a INTEGER[], b INTEGER[]) RETURNS INTEGER[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(COALESCE(x, 0) + COALESCE(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;
