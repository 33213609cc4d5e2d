-- CreateIndex
CREATE INDEX "items_created_at_idx" ON "items"("created_at");

-- CreateIndex
CREATE INDEX "interactions_occurred_at_idx" ON "interactions"("occurred_at");
