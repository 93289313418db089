// Regenerates fixtures/*.json: creates a uniquely named PostgreSQL database, applies prisma/schema.sql,
// seeds it, reads every case of cases.ts both ways, writes one fixture per case, and drops the database.
//
//   CORPUS_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run generate
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { PrismaClient } from "../generated/prisma/client.ts";
import { CASES, type Case, type Readers } from "./cases.ts";
import { seed } from "./seed.ts";
import { toWire, wireValue } from "./wire.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const FIXTURES = path.join(ROOT, "fixtures");
const ADMIN_URL = process.env.CORPUS_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** pg's DATE parser, as many legacy Node backends override it: keep 'YYYY-MM-DD' text, no local-midnight Date. */
const DATE_OID = 1082;
const legacyTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === DATE_OID && format !== "binary" ? (value: string) => value : pg.types.getTypeParser(oid, format),
};

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function timed(read: () => Promise<unknown>): Promise<{ result: unknown; latency_ms: number }> {
  const started = process.hrtime.bigint();
  const raw = await read();
  const latency = Number(process.hrtime.bigint() - started) / 1e6;
  return { result: wireValue(raw), latency_ms: Math.round(latency * 100) / 100 };
}

async function fixture(c: Case, readers: Readers): Promise<Record<string, unknown>> {
  const legacy = await timed(() => c.legacy(readers));
  const orm = await timed(() => c.orm(readers));
  const pair: Record<string, unknown> = { module: c.module, query_name: c.queryName, legacy, orm };
  if (c.spec !== null) {
    pair.spec = c.spec;
  }
  return {
    case: c.id,
    description: c.description,
    planted_bug: c.plantedBug,
    pair,
    expected: c.expected(),
  };
}

async function main(): Promise<void> {
  // Every reader but the one the time-zone case changes on purpose runs as a UTC server would.
  process.env.TZ = "UTC";
  const name = `shadowdiff_corpus_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  // The legacy database server's own time zone: json_build_object prints timestamptz in it (+01:00/+02:00).
  const legacy = new pg.Pool({ connectionString: url, types: legacyTypes, options: "-c TimeZone=Europe/Berlin" });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    const setup = await legacy.connect();
    try {
      await setup.query(await readFile(path.join(ROOT, "prisma", "schema.sql"), "utf8"));
      await seed(setup);
    } finally {
      setup.release();
    }
    await mkdir(FIXTURES, { recursive: true });
    for (const old of await readdir(FIXTURES)) {
      if (old.endsWith(".json")) {
        await rm(path.join(FIXTURES, old));
      }
    }
    for (const c of CASES) {
      const body = await fixture(c, { legacy, prisma });
      await writeFile(path.join(FIXTURES, `${c.id}.json`), `${JSON.stringify(body, toWire, 2)}\n`);
      console.log(`wrote fixtures/${c.id}.json`);
    }
  } finally {
    await prisma.$disconnect();
    await legacy.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
