// Prisma 7 CLI configuration for the MariaDB corpus: `prisma generate` needs no database; the generator
// script connects through @prisma/adapter-mariadb at run time.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
});
