// The Prisma Client extension: a model operation already written with Prisma, shadowed against a
// legacy function and served per the module's state, on the live service.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { PrismaPg } from "@prisma/adapter-pg";

import { Shadow, shadowExtension, withRequest } from "../src/index.js";
import { PrismaClient } from "./generated/prisma/client.js";
import { LiveService, TestDatabase, eventually } from "./support.js";

let db: TestDatabase;
let service: LiveService;
function client(url: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
}
let prisma: ReturnType<typeof client>;
let ormQueries = 0;

before(async () => {
  db = await TestDatabase.create();
  service = await LiveService.start();
  prisma = client(db.url);
  prisma.$on("query", () => {
    ormQueries += 1;
  });
});

after(async () => {
  await prisma?.$disconnect();
  await service?.stop();
  await db?.drop();
});

/** The legacy function: hand-written SQL shaped the way the app expects a Prisma user (camelCase). */
let legacyCalls = 0;
async function legacyUserById(args: { where: { id: bigint } }): Promise<unknown> {
  legacyCalls += 1;
  const { rows } = await db.pool.query(
    `SELECT id, email, full_name AS "fullName", balance, created_at AS "createdAt", avatar FROM users WHERE id = $1`,
    [args.where.id],
  );
  return rows[0] ?? null;
}

test("shadow, orm, legacy: the listed operation serves per the state; others run untouched", async () => {
  const module = "ts_prisma";
  await service.putFlag(module, { state: "shadow", sample_rate: 1 });
  const shadow = new Shadow({ url: service.url, pollIntervalMs: 100, flushIntervalMs: 20 });
  await eventually("the first config", async () => ((await shadow.refresh()) ? true : undefined));
  const xdb = prisma.$extends(
    shadowExtension({
      shadow,
      module,
      operations: { "user.findUnique": { queryName: "userById", legacy: (args) => legacyUserById(args) } },
    }),
  );

  // shadow: the legacy function's row (pg's int8 as text), Prisma runs beside it
  const before = ormQueries;
  const inShadow = (await withRequest({ requestId: "req-1", context: { route: "/users/3" } }, () =>
    xdb.user.findUnique({ where: { id: 3n } }),
  )) as { id: unknown; fullName: string } | null;
  assert.equal(inShadow?.id, "3");
  assert.equal(inShadow?.fullName, "User 3");
  await eventually("Prisma's query to run as the shadow", () => (ormQueries > before ? true : undefined));
  await eventually("the pair to be posted", () => (shadow.stats().posted === 1 ? true : undefined));
  assert.equal(await service.comparisons(module, "userById", "match"), 1);

  // an operation not listed is plain Prisma
  const many = await xdb.user.findMany({ where: { id: { in: [1n, 2n] } }, orderBy: { id: "asc" } });
  assert.deepEqual(
    many.map((u) => u.id),
    [1n, 2n],
  );

  // orm: Prisma's row (BigInt), the legacy function as the shadow
  await service.putFlag(module, { state: "orm" });
  await shadow.refresh();
  const legacyBefore = legacyCalls;
  const inOrm = await xdb.user.findUnique({ where: { id: 4n } });
  assert.equal(inOrm?.id, 4n);
  await eventually("the legacy shadow to run", () => (legacyCalls > legacyBefore ? true : undefined));
  await eventually("the orm pair", () => (shadow.stats().posted === 2 ? true : undefined));

  // legacy: Prisma's query is never sent
  await service.putFlag(module, { state: "legacy" });
  await shadow.refresh();
  const quiet = ormQueries;
  const inLegacy = (await xdb.user.findUnique({ where: { id: 5n } })) as { id: unknown } | null;
  assert.equal(inLegacy?.id, "5");
  assert.equal(ormQueries, quiet);

  const stats = await shadow.close();
  assert.deepEqual([stats.posted, stats.dropped, stats.rejected], [2, 0, 0]);
  assert.equal(await service.comparisons(module, "userById", "match"), 2);
});

test("an operation key that is not model.operation is refused at once", () => {
  const shadow = new Shadow({ url: "http://127.0.0.1:9", pollIntervalMs: 600_000, onError: () => undefined });
  assert.throws(
    () => shadowExtension({ shadow, module: "m", operations: { findUnique: { legacy: () => null } } }),
    /model\.operation/,
  );
  void shadow.close(0);
});
