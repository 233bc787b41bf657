// For running the Prisma CLI against a real database, e.g. `prisma migrate deploy` in a Job.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: './schema.prisma',
  migrations: { path: './migrations' },
  datasource: {
    url: process.env['PRICES_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/prices',
  },
});
