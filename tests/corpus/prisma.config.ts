// Prisma 7 reads its CLI configuration here. `prisma generate` needs no database; the generator script
// talks to PostgreSQL through @prisma/adapter-pg at run time, so no URL is configured.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});
