-- A new portal link removes the tenant's links that expired more than 30 days ago
-- (PortalSessionRepository.create), found by this index.
-- CreateIndex
CREATE INDEX "portal_sessions_tenant_id_expires_at_idx" ON "portal_sessions"("tenant_id", "expires_at");
