// Prisma 7 reads the connection string from here (the schema's datasource has none).
// Only the CLI uses this file; the runtime builds its own PrismaPg adapter from the resolved config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
