-- CreateTable
CREATE TABLE "experiments" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "variants" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "stopped_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recommendation_impressions" (
    "recommendation_id" UUID NOT NULL,
    "experiment_id" INTEGER NOT NULL,
    "variant" TEXT NOT NULL,
    "user_key" TEXT NOT NULL,
    "item_ids" INTEGER[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recommendation_impressions_pkey" PRIMARY KEY ("recommendation_id")
);

-- CreateTable
CREATE TABLE "recommendation_events" (
    "recommendation_id" UUID NOT NULL,
    "user_id" INTEGER NOT NULL,
    "item_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "recommendation_events_pkey" PRIMARY KEY ("recommendation_id","user_id","item_id","kind","occurred_at")
);

-- CreateTable
CREATE TABLE "training_jobs" (
    "id" SERIAL NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "trigger" TEXT NOT NULL,
    "request" JSONB NOT NULL DEFAULT '{}',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stage" TEXT,
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "gate" JSONB,
    "version" TEXT,
    "promoted" BOOLEAN,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "training_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "experiments_name_key" ON "experiments"("name");

-- CreateIndex
CREATE INDEX "experiments_status_idx" ON "experiments"("status");

-- CreateIndex
CREATE INDEX "recommendation_impressions_experiment_id_variant_idx" ON "recommendation_impressions"("experiment_id", "variant");

-- CreateIndex
CREATE INDEX "training_jobs_state_idx" ON "training_jobs"("state");

-- CreateIndex
CREATE INDEX "training_jobs_created_at_idx" ON "training_jobs"("created_at");
