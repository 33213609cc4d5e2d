-- CreateTable
CREATE TABLE "item_enrichments" (
    "item_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "label" TEXT,
    "applied" TEXT,
    "model" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "item_enrichments_pkey" PRIMARY KEY ("item_id","field")
);

-- CreateTable
CREATE TABLE "enrichment_failures" (
    "item_id" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "enrichment_failures_pkey" PRIMARY KEY ("item_id")
);

-- CreateTable
CREATE TABLE "enrichment_runs" (
    "id" SERIAL NOT NULL,
    "fields" TEXT[],
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "items_done" INTEGER NOT NULL DEFAULT 0,
    "items_failed" INTEGER NOT NULL DEFAULT 0,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "enrichment_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "item_enrichments_field_idx" ON "item_enrichments"("field");

-- AddForeignKey
ALTER TABLE "item_enrichments" ADD CONSTRAINT "item_enrichments_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrichment_failures" ADD CONSTRAINT "enrichment_failures_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE ON UPDATE CASCADE;
