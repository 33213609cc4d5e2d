-- CreateTable
CREATE TABLE "business_rules" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "rule_set" TEXT NOT NULL DEFAULT 'default',
    "kind" TEXT NOT NULL,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "revision" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "business_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "business_rules_external_id_key" ON "business_rules"("external_id");
