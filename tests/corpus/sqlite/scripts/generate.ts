// Regenerates sqlite/fixtures/*.json: creates a database file in a fresh temporary directory, applies
// prisma/schema.sql, seeds it, reads every case of cases.ts both ways, writes one fixture per case and
// removes the directory again (also on failure).
//
//   npm run generate:sqlite
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";

import { PrismaClient } from "../../generated/sqlite/client.ts";
import { writeFixtures } from "../../scripts/corpus.ts";
import { CASES, type Readers } from "./cases.ts";
import { seed } from "./seed.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

async function main(): Promise<void> {
  // The Node process runs as a UTC server would, except where a case changes it on purpose.
  process.env.TZ = "UTC";
  const dir = await mkdtemp(path.join(os.tmpdir(), "shadowdiff-corpus-"));
  const file = path.join(dir, "tracker.db");
  const setup = new Database(file);
  // The legacy backend's connection: better-sqlite3's defaults (INTEGER as a JS number, BLOB as Buffer).
  const legacy = new Database(file, { readonly: true });
  // A legacy service that turned safeIntegers on: every INTEGER comes back as a BigInt.
  const legacySafe = new Database(file, { readonly: true });
  legacySafe.defaultSafeIntegers(true);
  // The Prisma port keeps writing instants as Prisma always stored them in this database: epoch ms.
  const prisma = new PrismaClient({
    adapter: new PrismaBetterSqlite3({ url: `file:${file}` }, { timestampFormat: "unixepoch-ms" }),
  });
  try {
    setup.exec(await readFile(path.join(ROOT, "prisma", "schema.sql"), "utf8"));
    seed(setup);
    setup.close();
    await writeFixtures(path.join(ROOT, "fixtures"), CASES, { legacy, legacySafe, prisma });
  } finally {
    await prisma.$disconnect();
    for (const db of [setup, legacy, legacySafe]) {
      if (db.open) {
        db.close();
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
