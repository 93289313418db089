// Prisma 7 reads its CLI configuration here. `prisma generate` needs no database.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});
