// Prisma 7 CLI configuration for the SQLite corpus: `prisma generate` needs no database; the generator
// script opens its database file through @prisma/adapter-better-sqlite3 at run time.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});
