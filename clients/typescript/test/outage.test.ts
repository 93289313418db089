// The service going away and coming back: callers never notice; what was lost is counted; a batch
// that is retried after its answer was lost counts once (pair_id).
import assert from "node:assert/strict";
import { type IncomingMessage, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";

import { Shadow } from "../src/index.js";
import { LiveService, TestDatabase, eventually, freePort } from "./support.js";

let db: TestDatabase;

before(async () => {
  db = await TestDatabase.create();
});

after(async () => {
  await db?.drop();
});

test("kill the service mid-run: every caller gets its result, no exception; lost pairs are counted", async () => {
  const service = await LiveService.start();
  try {
    const shadow = new Shadow({
      url: service.url,
      pollIntervalMs: 100,
      flushIntervalMs: 10,
      batchSize: 10,
      queueSize: 25,
      maxAttempts: 2,
      retryBackoffMs: 20,
      requestTimeoutMs: 2000,
      onError: () => undefined,
    });
    await eventually("the first config", async () => ((await shadow.refresh()) ? true : undefined));
    const module = "ts_outage";
    const total = 120;
    let calls = 0;
    let killedAt = -1;
    for (let i = 0; i < total; i += 1) {
      if (i === 40) {
        await eventually("pairs posted before the kill", () => (shadow.stats().posted > 0 ? true : undefined));
        await service.kill();
        killedAt = i;
      }
      const email = `user${(i % 50) + 1}@example.com`;
      const served = await shadow.run(module, "getUserByEmail", {
        legacy: () => db.legacyUserByEmail(email),
        orm: () => db.ormUserByEmail(email),
        requestId: `req-${i}`,
      });
      assert.equal((served as { email: string }).email, email);
      calls += 1;
    }
    assert.equal(killedAt, 40);
    assert.equal(calls, total);
    // The last good config is kept: the module still shadows with the service gone.
    assert.deepEqual(shadow.decide(module, "req-0"), { serve: "legacy", shadow: true });
    const stats = await shadow.close(3000);
    assert.ok(stats.posted >= 1 && stats.posted <= 40, JSON.stringify(stats));
    assert.ok(stats.dropped >= total - 40, JSON.stringify(stats));
    assert.equal(stats.posted + stats.dropped, total, JSON.stringify(stats));
    assert.ok(stats.failedPosts >= 1, JSON.stringify(stats));
    assert.equal(stats.queued, 0);
  } finally {
    await service.stop();
  }
});

test("a batch retried after its answer was lost counts once; bodies go gzip-encoded; polls send the ETag", async () => {
  const service = await LiveService.start();
  const target = new URL(service.url);
  const seen: { encoding: string | undefined; cut: boolean; body: string }[] = [];
  const polls: { ifNoneMatch: string | undefined; status: number }[] = [];
  let cutOnce = false;
  // A proxy that delivers the first batch to the service, then cuts the connection before the answer
  // reaches the client: the service has stored the pairs, the client cannot know and retries.
  const proxy = createServer((incoming: IncomingMessage, outgoing) => {
    const isBatch = incoming.url === "/v1/pairs/batch";
    const cut = isBatch && !cutOnce;
    cutOnce ||= cut;
    const chunks: Buffer[] = [];
    if (isBatch) {
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () =>
        seen.push({ encoding: incoming.headers["content-encoding"], cut, body: Buffer.concat(chunks).toString("base64") }),
      );
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        if (cut) {
          answer.resume();
          answer.on("end", () => outgoing.socket?.destroy());
          return;
        }
        if (incoming.url === "/v1/config") {
          polls.push({ ifNoneMatch: incoming.headers["if-none-match"], status: answer.statusCode ?? 0 });
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  try {
    const port = (proxy.address() as AddressInfo).port;
    const shadow = new Shadow({
      url: `http://127.0.0.1:${port}`,
      pollIntervalMs: 100,
      flushIntervalMs: 50,
      retryBackoffMs: 20,
      onError: () => undefined,
    });
    await eventually("the first config", async () => ((await shadow.refresh()) ? true : undefined));
    const module = "ts_retry";
    const n = 12;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        shadow.run(module, "getUserByEmail", {
          legacy: () => db.legacyUserByEmail(`user${i + 1}@example.com`),
          orm: () => db.ormUserByEmail(`user${i + 1}@example.com`),
        }),
      ),
    );
    // An unchanged config costs a 304: every poll after the first sends the ETag it was given.
    await eventually("a poll answered 304", () => (polls.some((p) => p.status === 304) ? true : undefined));
    const stats = await shadow.close();
    assert.equal(polls[0]?.ifNoneMatch, undefined);
    assert.ok(polls.slice(1).every((p) => p.ifNoneMatch !== undefined), JSON.stringify(polls));
    // Exactly one attempt was cut, and a later attempt carried the very same body (its retry).
    const cut = seen.filter((s) => s.cut);
    assert.equal(cut.length, 1);
    assert.equal(seen.filter((s) => s.body === cut[0]?.body).length, 2);
    assert.ok(seen.every((s) => s.encoding === "gzip"));
    assert.deepEqual([stats.posted, stats.failedPosts, stats.dropped], [n, 1, 0]);
    // Each pair counted once by the service although its batch arrived twice.
    assert.equal(await service.comparisons(module, "getUserByEmail", "match"), n);
    assert.equal(await service.metric("db_query_total", { module, source: "sql" }), n);
  } finally {
    proxy.close();
    await service.stop();
  }
});

test("before the service's first answer: legacy serves, the ORM path never runs, nothing is posted", async () => {
  const port = await freePort(); // nothing listens there
  const shadow = new Shadow({ url: `http://127.0.0.1:${port}`, pollIntervalMs: 50, onError: () => undefined });
  assert.equal(await shadow.refresh(), false);
  let ormRan = false;
  for (let i = 0; i < 5; i += 1) {
    const served = await shadow.run("ts_down", "getUserByEmail", {
      legacy: () => db.legacyUserByEmail("user1@example.com"),
      orm: () => {
        ormRan = true;
        return db.ormUserByEmail("user1@example.com");
      },
    });
    assert.equal((served as { id: unknown }).id, "1");
  }
  const stats = await shadow.close(1000);
  assert.equal(ormRan, false);
  assert.deepEqual([stats.posted, stats.dropped, stats.configAgeS], [0, 0, null]);
});

test("a token the service refuses is reported as refused, with the service's message and what calls do meanwhile", async () => {
  const tokens = JSON.stringify([{ name: "backend", token: "ingest-token-0123456789", roles: ["ingest", "read"] }]);
  const service = await LiveService.start({ SHADOWDIFF_TOKENS: tokens });
  try {
    const errors: string[] = [];
    const shadow = new Shadow({
      url: service.url,
      token: "not-the-token",
      pollIntervalMs: 600_000,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
    });
    assert.equal(await shadow.refresh(), false);
    const message = errors.join("\n");
    assert.match(message, /config refused \(GET \/v1\/config answered 401: [^)]*token/);
    assert.match(message, /check the token given to new Shadow/);
    assert.match(message, /until it answers, every call serves legacy and nothing is shadowed/);
    assert.deepEqual(shadow.decide("any_module", "req-1"), { serve: "legacy", shadow: false });
    await shadow.close(1000);
  } finally {
    await service.stop();
  }
});
