-- NB: the migration runner splits statements on semicolons, even inside comments and $$ bodies: avoid both.
-- Keyword search: a full-text document per item, computed by Postgres itself (a generated column), so every
-- writer (loaders, mutations, psql) keeps it current. schema.prisma sees it as Unsupported("tsvector"): Prisma
-- cannot express generated columns, which is why this migration was edited by hand after migration-diff.
-- Title weighs most, then creators, then genres and tags, then the description.

-- array_to_string is only STABLE (it formats any element type), for text[] it is immutable in fact, and generated
-- columns require IMMUTABLE.
CREATE FUNCTION recgraph_join_text(items text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT coalesce(array_to_string(items, '' ''), '''')';

-- AlterTable
ALTER TABLE "items" ADD COLUMN "search_document" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') ||
  setweight(to_tsvector('english'::regconfig, recgraph_join_text("creators")), 'B') ||
  setweight(to_tsvector('english'::regconfig, recgraph_join_text("genres") || ' ' || recgraph_join_text("tags")), 'C') ||
  setweight(to_tsvector('english'::regconfig, coalesce("description", '')), 'D')
) STORED;

-- CreateIndex
CREATE INDEX "items_search_document_idx" ON "items" USING GIN ("search_document");
