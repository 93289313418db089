/**
 * What shadowing adds to the caller's latency, and how fast one process posts pairs.
 *
 * 1. Caller latency: an indexed read by primary key on the real PostgreSQL through pg (the legacy
 *    path; ~0.3 ms), called directly (the baseline: no shadowdiff at all), with the same read through
 *    Prisma 7 fired after it and not awaited (the floor of any in-process shadowing: Prisma's own work
 *    shares the event loop), and through `shadow.run`: the module in `legacy` (the client's decision
 *    alone), in `shadow` at rate 1.0 with pg as the shadow path (the client's whole cost: hash, timing,
 *    serialization, queue, posting to the live service), with Prisma as the shadow path (the real case),
 *    and the same with `startShadow: "withServe"`. Calls are paced (200/s) so the machine is not
 *    saturated; the modes alternate in blocks of 50 calls so a burst of load from elsewhere lands on all
 *    alike. Goals (issue 12): p50 <= 1.10x and p99 <= 1.5x the baseline.
 * 2. Posting: pairs offered at a fixed rate for a few seconds to a receiver in another process that only
 *    reads, inflates and acknowledges bodies (so the service is not the ceiling); every pair must be
 *    posted, none dropped. Goal: >= 5,000 pairs/s.
 *
 *   cd clients/typescript && npm run bench        (after npm ci; also `make bench`)
 */
import { type ChildProcess, spawn } from "node:child_process";

import { Shadow } from "../src/index.js";
import { LiveService, TestDatabase, eventually, freePort, sleep } from "../test/support.js";

const RATE_PER_S = 200;
const BLOCK = 50;
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 30); // per mode: 1,500 calls each (600 left p99 at the 6th-slowest call: ±40% run to run)

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

async function paced(count: number, call: () => Promise<unknown>, into: number[]): Promise<void> {
  const gap = 1000 / RATE_PER_S;
  let next = performance.now();
  for (let i = 0; i < count; i += 1) {
    const wait = next - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    next += gap;
    const started = performance.now();
    await call();
    into.push((performance.now() - started) * 1000);
  }
}

async function callerLatency(): Promise<void> {
  const db = await TestDatabase.create();
  const service = await LiveService.start();
  try {
    await service.putFlag("bench", { state: "shadow", sample_rate: 1 });
    const shadow = new Shadow({ url: service.url, pollIntervalMs: 1000 });
    const together = new Shadow({ url: service.url, pollIntervalMs: 1000, startShadow: "withServe" });
    await eventually("the first config", async () => ((await shadow.refresh()) && (await together.refresh()) ? true : undefined));
    const legacy = (id: number) => async () => (await db.pool.query("SELECT id, email, full_name, balance, created_at FROM users WHERE id = $1", [id])).rows[0];
    const orm = (id: number) => () => db.prisma.user.findUnique({ where: { id: BigInt(id) }, select: { id: true, email: true, fullName: true, balance: true, createdAt: true } });
    let n = 0;
    const nextId = (): number => (n++ % 50) + 1;
    // Warm both readers and the connection pools.
    for (let i = 0; i < 200; i += 1) {
      const id = nextId();
      await shadow.run("bench", "warm", { legacy: legacy(id), orm: orm(id) });
    }
    await service.putFlag("bench_off", { state: "legacy", sample_rate: 1 });
    await shadow.refresh();
    const modes: [string, () => Promise<unknown>][] = [
      ["pg read, no shadowdiff", () => legacy(nextId())()],
      // The floor of any in-process shadowing: the same Prisma read started after the pg read, not awaited.
      ["pg read + Prisma not awaited", async () => {
        const id = nextId();
        const row = await legacy(id)();
        // then() is what sends a PrismaPromise's query; without it nothing would run.
        setImmediate(() => void orm(id)().then(() => undefined));
        return row;
      }],
      ["shadow.run, module in legacy", () => {
        const id = nextId();
        return shadow.run("bench_off", "userById", { legacy: legacy(id), orm: orm(id) });
      }],
      ["shadow @ 1.0, pg as shadow", () => {
        const id = nextId();
        return shadow.run("bench", "userByIdPg", { legacy: legacy(id), orm: legacy(id) });
      }],
      ["shadow @ 1.0, Prisma as shadow", () => {
        const id = nextId();
        return shadow.run("bench", "userById", { legacy: legacy(id), orm: orm(id) });
      }],
      ["  the same, withServe", () => {
        const id = nextId();
        return together.run("bench", "userByIdTogether", { legacy: legacy(id), orm: orm(id) });
      }],
    ];
    const samples = modes.map((): number[] => []);
    for (let b = 0; b < BLOCKS; b += 1) {
      for (const [m, [, call]] of modes.entries()) {
        await paced(BLOCK, call, samples[m] as number[]);
      }
    }
    const stats = await shadow.close(10_000);
    await together.close(10_000);
    const base = samples[0] as number[];
    for (const xs of samples) {
      xs.sort((a, b) => a - b);
    }
    console.log(`caller latency, ${base.length} calls per mode at ${RATE_PER_S}/s, interleaved in blocks of ${BLOCK}:`);
    console.log(`${"".padEnd(32)} ${"p50".padStart(9)} ${"p99".padStart(10)} ${"p50 ratio".padStart(10)} ${"p99 ratio".padStart(10)}`);
    for (const [m, [name]] of modes.entries()) {
      const xs = samples[m] as number[];
      const r50 = quantile(xs, 0.5) / quantile(base, 0.5);
      const r99 = quantile(xs, 0.99) / quantile(base, 0.99);
      console.log(
        `${name.padEnd(32)} ${quantile(xs, 0.5).toFixed(0).padStart(6)} µs ${quantile(xs, 0.99).toFixed(0).padStart(7)} µs ` +
          `${r50.toFixed(2).padStart(9)}x ${r99.toFixed(2).padStart(9)}x`,
      );
    }
    console.log("goals (issue 12, shadow @ 1.0): p50 <= 1.10x, p99 <= 1.5x");
    console.log(`pairs: posted ${stats.posted}, dropped ${stats.dropped}, shadow errors ${stats.shadowErrors}`);
  } finally {
    await service.stop();
    await db.drop();
  }
}

/** A receiver in its own process: reads and inflates each body, answers one "skipped" per pair. */
const RECEIVER = `
const http = require("node:http"); const zlib = require("node:zlib");
http.createServer((req, res) => {
  const parts = []; req.on("data", (c) => parts.push(c)); req.on("end", () => {
    let body = Buffer.concat(parts);
    if (req.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body);
    const n = req.url === "/v1/pairs/batch" ? JSON.parse(body).pairs.length : 0;
    const text = req.url === "/v1/config" ? '{"default_sample_rate":1,"default_state":"shadow","modules":{}}'
      : JSON.stringify({ accepted: n, rejected: 0, results: Array(n).fill({ outcome: "skipped" }) });
    res.writeHead(req.url === "/v1/config" ? 200 : 202, { "content-type": "application/json" }); res.end(text);
  });
}).listen(Number(process.argv[1]), "127.0.0.1", () => process.stdout.write("ready\\n"));
`;

async function postingThroughput(): Promise<void> {
  const port = await freePort();
  const receiver: ChildProcess = spawn(process.execPath, ["-e", RECEIVER, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => receiver.stdout?.once("data", () => resolve()));
  try {
    const shadow = new Shadow({ url: `http://127.0.0.1:${port}`, pollIntervalMs: 60_000 });
    await eventually("the first config", async () => ((await shadow.refresh()) ? true : undefined));
    const row = { id: "1007", email: "user1007@example.com", full_name: "User 1007", balance: "12.5000", created_at: "2025-01-01T00:00:00.000Z" };
    const offered = Number(process.env.BENCH_PAIRS_PER_S ?? 6000);
    const seconds = 3;
    const tick = 10; // ms: offer offered/100 pairs every 10 ms
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * offered);
      const calls: Promise<unknown>[] = [];
      for (; sent < due; sent += 1) {
        calls.push(shadow.run("bench", "post", { legacy: () => row, orm: () => row, requestId: String(sent) }));
      }
      await Promise.all(calls);
      await sleep(tick);
    }
    const stats = await shadow.close(30_000);
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      `posting: ${sent} pairs offered at ${offered}/s for ${seconds} s, done after ${elapsed.toFixed(2)} s: ` +
        `${(stats.posted / elapsed).toFixed(0)} pairs/s (goal >= 5000); posted ${stats.posted}, dropped ${stats.dropped}`,
    );
  } finally {
    receiver.kill();
  }
}

await callerLatency();
console.log();
await postingThroughput();
