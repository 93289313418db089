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
/** The other common legacy set-up: no date/time parsing at all (date, timestamp, timestamptz, interval). */
const TEXT_OIDS = new Set([DATE_OID, 1114, 1184, 1186]);
const INT8_OID = 20;
const legacyInt8NumberTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number.parseInt(value, 10)
      : legacyTypes.getTypeParser(oid, format),
};
const legacyTextTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    TEXT_OIDS.has(oid) && format !== "binary" ? (value: string) => value : pg.types.getTypeParser(oid, format),
};

/**
 * pg's Pool.end() resolves once its clients are told to close, not once the server has let go of them; the
 * final DROP DATABASE ... WITH (FORCE) may then terminate a backend whose client is still attached, which pg
 * reports as an 'error' event (57P01). That is the shutdown we asked for; anything else is a real error.
 */
function ignoreShutdown(err: Error & { code?: string }): void {
  if (err.code !== "57P01") {
    console.error("idle connection failed:", err);
    process.exitCode = 1;
  }
}

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
  const session = "-c TimeZone=Europe/Berlin";
  const legacy = new pg.Pool({ connectionString: url, types: legacyTypes, options: session });
  const legacyText = new pg.Pool({ connectionString: url, types: legacyTextTypes, options: session });
  const legacyInt8Numbers = new pg.Pool({ connectionString: url, types: legacyInt8NumberTypes, options: session });
  // Prisma gets a pool of its own that this script ends, so no idle connection outlives the database.
  const prismaPool = new pg.Pool({ connectionString: url });
  const prisma = new PrismaClient({ adapter: new PrismaPg(prismaPool) });
  for (const pool of [legacy, legacyText, legacyInt8Numbers, prismaPool]) {
    pool.on("error", ignoreShutdown);
  }
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
      const body = await fixture(c, { legacy, legacyText, legacyInt8Numbers, prisma });
      await writeFile(path.join(FIXTURES, `${c.id}.json`), `${JSON.stringify(body, toWire, 2)}\n`);
      console.log(`wrote fixtures/${c.id}.json`);
    }
  } finally {
    await prisma.$disconnect();
    await prismaPool.end();
    await legacy.end();
    await legacyText.end();
    await legacyInt8Numbers.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
