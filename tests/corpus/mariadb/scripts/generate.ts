// Regenerates mariadb/fixtures/*.json: creates a uniquely named MariaDB database, applies
// prisma/schema.sql, seeds it, reads every case of cases.ts both ways, writes one fixture per case and
// drops the database again (also on failure).
//
//   CORPUS_MARIADB_URL=mysql://root@127.0.0.1:3306 npm run generate:mariadb
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import mysql from "mysql2/promise";

import { PrismaClient } from "../../generated/mariadb/client.ts";
import { writeFixtures } from "../../scripts/corpus.ts";
import { CASES, type Readers } from "./cases.ts";
import { seed } from "./seed.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const SERVER = new URL(process.env.CORPUS_MARIADB_URL ?? "mysql://root@127.0.0.1:3306");
const connection = {
  host: SERVER.hostname,
  port: Number(SERVER.port || 3306),
  user: decodeURIComponent(SERVER.username || "root"),
  password: decodeURIComponent(SERVER.password),
};

async function main(): Promise<void> {
  // The Node process runs as a UTC server would; mysql2's `timezone` option is what the legacy pools vary.
  process.env.TZ = "UTC";
  const name = `shadowdiff_corpus_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = await mysql.createConnection({ ...connection, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  const db = { ...connection, database: name };
  // The legacy backend's pool: BIGINT ids keep their digits as strings, everything else mysql2's defaults
  // (DATETIME/DATE as Date, DECIMAL as string, TINYINT(1) as 0/1, BIT and BLOB as Buffer, JSON parsed).
  const legacy = mysql.createPool({ ...db, supportBigNumbers: true, bigNumberStrings: true });
  // An older service: dates, times and JSON left as the server's text (dateStrings, jsonStrings).
  const legacyText = mysql.createPool({
    ...db, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, jsonStrings: true,
  });
  // mysql2 with no options at all: a BIGINT comes back as a JS number, rounded above 2^53.
  const legacyDefault = mysql.createPool(db);
  // A legacy service whose pool says the database's DATETIMEs are in +01:00 (they are UTC).
  const legacyPlusOne = mysql.createPool({ ...db, supportBigNumbers: true, bigNumberStrings: true, timezone: "+01:00" });
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb({ ...db, connectionLimit: 2 }) });
  try {
    await admin.query(`USE ${name}; ${await readFile(path.join(ROOT, "prisma", "schema.sql"), "utf8")}`);
    await seed(legacy);
    await writeFixtures(path.join(ROOT, "fixtures"), CASES, { legacy, legacyText, legacyDefault, legacyPlusOne, prisma });
  } finally {
    await prisma.$disconnect();
    for (const pool of [legacy, legacyText, legacyDefault, legacyPlusOne]) {
      await pool.end();
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

await main();
