/**
 * Real parts for the tests: the shadowdiff service (`python -m app` from the repository's .venv, on a
 * free loopback port, with a temporary SQLite store), a PostgreSQL database of the test's own
 * (created on the local server, dropped afterwards), pg and Prisma 7 (through @prisma/adapter-pg)
 * reading the same table.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { PrismaClient } from "./generated/prisma/client.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** dist/test -> clients/typescript -> the repository. */
export const PACKAGE_ROOT = path.resolve(HERE, "..", "..");
export const REPO_ROOT = path.resolve(PACKAGE_ROOT, "..", "..");
/** The checkout whose service the tests start (this one unless SHADOWDIFF_SERVICE_ROOT names another). */
const SERVICE_ROOT = process.env.SHADOWDIFF_SERVICE_ROOT ?? REPO_ROOT;
const PYTHON = process.env.SHADOWDIFF_PYTHON ?? path.join(SERVICE_ROOT, ".venv", "bin", "python");
const ADMIN_URL = process.env.SHADOWDIFF_TEST_PG_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const STARTUP_MS = 60_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined; a hang guard, not a measurement. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(50);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export class LiveService {
  readonly url: string;
  private readonly process: ChildProcess;
  private readonly logPath: string;
  private readonly dir: string;

  private constructor(url: string, child: ChildProcess, logPath: string, dir: string) {
    this.url = url;
    this.process = child;
    this.logPath = logPath;
    this.dir = dir;
  }

  /** Starts the service with a fresh SQLite store and waits for /health. */
  static async start(env: Record<string, string> = {}): Promise<LiveService> {
    if (!existsSync(PYTHON)) {
      throw new Error(`${PYTHON} is missing: run \`make test\` (it builds .venv) or set SHADOWDIFF_PYTHON`);
    }
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), "shadowdiff-ts-"));
    const logPath = path.join(dir, "service.log");
    const log = openSync(logPath, "w");
    const child = spawn(PYTHON, ["-m", "app"], {
      cwd: SERVICE_ROOT,
      env: {
        ...process.env,
        SHADOWDIFF_HOST: "127.0.0.1",
        SHADOWDIFF_PORT: String(port),
        SHADOWDIFF_DATA_DIR: path.join(dir, "data"),
        SHADOWDIFF_GUARD_ENABLED: "false",
        SHADOWDIFF_TOKENS: "",
        ...env,
      },
      stdio: ["ignore", log, log],
    });
    const service = new LiveService(`http://127.0.0.1:${port}`, child, logPath, dir);
    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`shadowdiff exited with ${child.exitCode}:\n${service.log()}`);
      }
      try {
        const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) {
          return service;
        }
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        await service.stop();
        throw new Error(`shadowdiff did not answer /health within ${STARTUP_MS} ms:\n${service.log()}`);
      }
      await sleep(100);
    }
  }

  log(): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }

  /** SIGKILL: the service dies mid-request, as a crashed or OOM-killed sidecar does. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    this.process.kill(signal);
    const guard = setTimeout(() => this.process.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(guard);
  }

  async putFlag(module: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.url}/v1/flags/${module}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      // force: the set-up jumps straight to a state, past the lifecycle rails the service tests itself
      body: JSON.stringify({ reason: "test", force: true, ...body }),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      throw new Error(`PUT /v1/flags/${module} answered ${response.status}: ${JSON.stringify(answer)}`);
    }
    return answer;
  }

  /** The value of one Prometheus sample whose labels include `labels` (0 when absent). */
  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let total = 0;
    for (const line of text.split("\n")) {
      if (!line.startsWith(`${name}{`)) {
        continue;
      }
      const close = line.lastIndexOf("}");
      const labelText = line.slice(name.length + 1, close);
      const have = new Map<string, string>();
      for (const match of labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        have.set(match[1] as string, match[2] as string);
      }
      if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) {
        total += Number(line.slice(close + 1).trim());
      }
    }
    return total;
  }

  /** shadow_comparisons_total for a module and query, by outcome. */
  async comparisons(module: string, queryName: string, outcome: string): Promise<number> {
    return this.metric("shadow_comparisons_total", { module, queryName, outcome });
  }
}

/** A database of the test's own on the local PostgreSQL, with the `users` table both readers map. */
export class TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;

  private constructor(name: string, url: string) {
    this.name = name;
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: 8 });
    this.pool.on("error", () => undefined); // DROP ... WITH (FORCE) ends idle connections
    this.prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 8 }) });
  }

  static async create(): Promise<TestDatabase> {
    const name = `shadowdiff_ts_${process.pid}_${randomBytes(4).toString("hex")}`;
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const db = new TestDatabase(name, url.toString());
    await db.pool.query(`
      CREATE TABLE users (
        id bigint PRIMARY KEY,
        email text NOT NULL UNIQUE,
        full_name text NOT NULL,
        balance numeric(12, 4) NOT NULL,
        created_at timestamptz(3) NOT NULL,
        avatar bytea
      );
      INSERT INTO users
      SELECT i, 'user' || i || '@example.com', 'User ' || i, i * 1.25,
             timestamptz '2025-01-01 00:00:00+00' + i * interval '1 hour',
             CASE WHEN i % 2 = 0 THEN decode('00ff' || lpad(to_hex(i), 4, '0'), 'hex') END
      FROM generate_series(1, 50) AS i;
      INSERT INTO users VALUES (9007199254740993, 'big@example.com', 'Big Id', 0.0001,
                                timestamptz '2025-06-30 22:45:10.5+00', NULL);
    `);
    return db;
  }

  async drop(): Promise<void> {
    await this.prisma.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }

  /** The legacy path: hand-written SQL through pg (int8 and numeric come back as text). */
  async legacyUserByEmail(email: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.pool.query(
      "SELECT id, email, full_name, balance, created_at, avatar FROM users WHERE email = $1",
      [email],
    );
    return (rows[0] as Record<string, unknown> | undefined) ?? null;
  }

  /** The ORM path: the same read through Prisma 7 (BigInt, Decimal, Date, Uint8Array). */
  ormUserByEmail(email: string): Promise<unknown> {
    return this.prisma.user.findUnique({ where: { email } });
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** clients/hash-vectors.json, generated by the service side from flags/sampling.py. */
export function hashVectors(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, "clients", "hash-vectors.json"), "utf8")) as Record<string, unknown>;
}
