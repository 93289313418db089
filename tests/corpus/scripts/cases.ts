// The fixture pairs: one query read the legacy way (raw SQL through `pg`) and the Prisma way, with the
// outcome the engine must report. Cases with a `plantedBug` carry a real porting mistake in the ORM code;
// their expected differences are worked out from the seed rows (seed.ts), never from either reader's output.
import type pg from "pg";

import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import { CUSTOMERS, ORDERS, type NotifyPrefs } from "./seed.ts";

export type Spec = {
  key?: string[];
  ordered?: boolean;
  ignore?: string[];
  rename?: Record<string, string>;
  time_precision?: string | number;
  naive_time_zone?: string;
  strict_types?: boolean;
} | null;
export type ExpectedDifference = { field: string; kind: string; path: string };
export type Expected = { equal: boolean; differences: ExpectedDifference[] };

/** `legacy` parses dates and times the pg way; `legacyText` is a legacy service that turned pg's date/time
 * parsing off (timestamps, dates and intervals stay PostgreSQL text); `legacyInt8Numbers` one that made pg parse
 * int8 with parseInt, as many do to get numbers back. */
export type Readers = { legacy: pg.Pool; legacyText: pg.Pool; legacyInt8Numbers: pg.Pool; prisma: PrismaClient };

export type Case = {
  id: string;
  module: string;
  queryName: string;
  description: string;
  plantedBug: string | null;
  spec: Spec;
  legacy(r: Readers): Promise<unknown>;
  orm(r: Readers): Promise<unknown>;
  expected(): Expected;
};

// ---- how the engine names things (SPEC section 2; the path grammar is the engine's report format) ----
const ROW = "__row__";
const ORDER = "__order__";
const row = (key: string, value: string | number): string => `[${key}=${value}]`;
const at = (base: string, ...names: string[]): string => [base, ...names].filter(Boolean).join(".");
const EQUAL: Expected = { equal: true, differences: [] };
const differs = (differences: ExpectedDifference[]): Expected => ({ equal: false, differences });
/** A value that changed; a value against null is a difference of kind `changed` too. */
const changed = (field: string, path: string): ExpectedDifference => ({ field, kind: "changed", path });

const live = CUSTOMERS.filter((c) => c.deletedAt === null);

async function rows(db: pg.Pool, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await db.query(sql, params)).rows;
}

const DEFAULT_NOTIFY: Required<NotifyPrefs> = { email: true, sms: false, digest: "weekly" };

const ORDER_COLUMNS_JSON = `json_build_object(
    'id', o.id::text, 'status', o.status, 'total', o.total, 'discount_rate', o.discount_rate,
    'weight_kg', o.weight_kg, 'item_counts', o.item_counts, 'line_prices', o.line_prices,
    'shipping', o.shipping, 'placed_at', o.placed_at, 'ship_by', o.ship_by,
    'tracking_code', o.tracking_code) ORDER BY o.placed_at, o.id`;

const ORDER_SELECT = {
  id: true, status: true, total: true, discountRate: true, weightKg: true, itemCounts: true,
  linePrices: true, shipping: true, placedAt: true, shipBy: true, trackingCode: true,
} as const;

function customerWithOrdersLegacy(extraWhere: string, customerId = 1) {
  return async ({ legacy }: Readers) =>
    (
      await rows(
        legacy,
        `SELECT c.id, c.full_name, c.email, c.lifetime_value,
                COALESCE((SELECT json_agg(${ORDER_COLUMNS_JSON})
                            FROM orders o WHERE o.customer_id = c.id ${extraWhere}), '[]') AS orders
           FROM customers c WHERE c.id = $1`,
        [customerId],
      )
    )[0] ?? null;
}

function mergedPreferences(prefs: Record<string, unknown>, notifyFirst: boolean): Record<string, unknown> {
  const notify = (prefs.notify ?? {}) as NotifyPrefs;
  return { ...prefs, notify: notifyFirst ? { ...notify, ...DEFAULT_NOTIFY } : { ...DEFAULT_NOTIFY, ...notify } };
}

async function notificationSettingsOrm({ prisma }: Readers, buggy: boolean) {
  const found = await prisma.customer.findMany({
    where: { deletedAt: null },
    select: { id: true, preferences: true },
    orderBy: { id: "asc" },
  });
  return found.map((c) => ({ ...c, preferences: mergedPreferences(c.preferences as Record<string, unknown>, buggy) }));
}

async function referrersOrm({ prisma }: Readers, wrongDirection: boolean) {
  if (wrongDirection) {
    const found = await prisma.customer.findMany({
      where: { deletedAt: null },
      select: { id: true, fullName: true, referrals: { select: { fullName: true }, orderBy: { id: "asc" }, take: 1 } },
      orderBy: { id: "asc" },
    });
    return found.map(({ referrals, ...c }) => ({ ...c, referrerName: referrals[0]?.fullName ?? null }));
  }
  const found = await prisma.customer.findMany({
    where: { deletedAt: null },
    select: { id: true, fullName: true, referredBy: { select: { fullName: true } } },
    orderBy: { id: "asc" },
  });
  return found.map(({ referredBy, ...c }) => ({ ...c, referrerName: referredBy?.fullName ?? null }));
}

const ordersForCustomerLegacy = async ({ legacy }: Readers) =>
  rows(legacy, "SELECT * FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC, id DESC", [3]);

/** Average of two-decimal amounts, exact: does it need more than two decimals? */
function averageNeedsRounding(totals: string[]): boolean {
  const cents = totals.reduce((sum, t) => sum + BigInt(t.replace(".", "")), 0n);
  return cents % BigInt(totals.length) !== 0n;
}

/** The first row, in legacy order, whose place among the rows differs on the ORM side. */
function firstMoved(legacyOrder: string[], ormOrder: string[]): string {
  const moved = legacyOrder.find((id, rank) => ormOrder.indexOf(id) !== rank);
  if (moved === undefined) {
    throw new Error("the wrong-order case needs rows in a different order");
  }
  return moved;
}

/** How a port that cannot select an interval with Prisma writes the same length of time: ISO 8601. */
function isoDuration(ms: number): string {
  const seconds = ms / 1000;
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Math.round((seconds % 60) * 1e6) / 1e6;
  return `P${days}DT${hours}H${minutes}M${rest}S`;
}

/** Multiset leftovers: the k-th copy of a row on the ORM side is extra when the legacy side has fewer than k. */
function extraCopies(legacyRows: string[], ormRows: string[]): number[] {
  const left = new Map<string, number>();
  for (const r of legacyRows) {
    left.set(r, (left.get(r) ?? 0) + 1);
  }
  const extra: number[] = [];
  ormRows.forEach((r, index) => {
    const remaining = left.get(r) ?? 0;
    if (remaining > 0) {
      left.set(r, remaining - 1);
    } else {
      extra.push(index);
    }
  });
  return extra;
}

const countryOf = (shipping: Record<string, unknown>): string | null =>
  ((shipping.address as { country?: string } | undefined)?.country ?? null);

/** math.isclose with the engine's default relative tolerance: what "equal floats" means in SPEC section 2. */
const floatsClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/** Tag -> number of customers carrying it, sorted by tag as both sides of the tag-count cases sort. */
function tagCountsOf(customers: typeof CUSTOMERS): [string, number][] {
  const counts = new Map<string, number>();
  for (const c of customers) {
    for (const tag of c.tags) {
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Milliseconds of a seed timestamp ("2025-06-01 10:00:00.123456+00" -> 123): what a JS Date keeps. */
const millisOf = (timestamp: string): number => Number((/\.(\d{1,3})/.exec(timestamp)?.[1] ?? "0").padEnd(3, "0"));

/** decimal.js prints a Decimal without trailing zeros ("250.00" -> "250"); PostgreSQL's sum keeps the scale. */
const decimalText = (cents: bigint): { sql: string; decimal: string } => {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const sql = `${negative ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  return { sql, decimal: sql.replace(/\.?0+$/, "") };
};

const camelName = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The order in which jsonb hands out an object's keys: shorter first, then by bytes. */
const jsonbKeyOrder = (keys: string[]): string[] =>
  [...keys].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));

/** What a deep camelcase-keys helper makes of a parsed JSON value: a later key overwrites an earlier one. */
function camelKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(camelKeysDeep);
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[camelName(key)] = camelKeysDeep(inner);
    }
    return out;
  }
  return value;
}

async function withTimeZone<T>(tz: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await body();
  } finally {
    process.env.TZ = previous;
  }
}

export const CASES: Case[] = [
  {
    id: "getCustomerById",
    module: "customers",
    queryName: "getCustomerById",
    description: "One customer, every column type set: SELECT * vs findUnique.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) => (await rows(legacy, "SELECT * FROM customers WHERE id = $1", [3]))[0] ?? null,
    orm: ({ prisma }) => prisma.customer.findUnique({ where: { id: 3 } }),
    expected: () => EQUAL,
  },
  {
    id: "getCustomerById__nulls",
    module: "customers",
    queryName: "getCustomerById",
    description: "A customer whose nullable columns are NULL, empty array and empty jsonb.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) => (await rows(legacy, "SELECT * FROM customers WHERE id = $1", [2]))[0] ?? null,
    orm: ({ prisma }) => prisma.customer.findUnique({ where: { id: 2 } }),
    expected: () => EQUAL,
  },
  {
    id: "findCustomerByEmail__not_found",
    module: "customers",
    queryName: "findCustomerByEmail",
    description: "No such customer: both sides answer null.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) =>
      (await rows(legacy, "SELECT * FROM customers WHERE email = $1", ["nobody@example.com"]))[0] ?? null,
    orm: ({ prisma }) => prisma.customer.findFirst({ where: { email: "nobody@example.com" } }),
    expected: () => EQUAL,
  },
  {
    id: "countActiveCustomers",
    module: "customers",
    queryName: "countActiveCustomers",
    description: "A scalar: count(*) is int8, so pg answers a string; Prisma's count() a number.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) =>
      (await rows(legacy, "SELECT count(*) AS count FROM customers WHERE is_active AND deleted_at IS NULL"))[0].count,
    orm: ({ prisma }) => prisma.customer.count({ where: { isActive: true, deletedAt: null } }),
    expected: () => EQUAL,
  },
  {
    id: "listActiveCustomers",
    module: "customers",
    queryName: "listActiveCustomers",
    description: "All columns of every active customer, ordered by id.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT * FROM customers WHERE is_active AND deleted_at IS NULL ORDER BY id"),
    orm: ({ prisma }) =>
      prisma.customer.findMany({ where: { isActive: true, deletedAt: null }, orderBy: { id: "asc" } }),
    expected: () => EQUAL,
  },
  {
    id: "listActiveCustomers__forgotten_filter",
    module: "customers",
    queryName: "listActiveCustomers",
    description: "All columns of every active customer, ordered by id.",
    plantedBug: "The Prisma port forgot the soft-delete filter (deletedAt: null): deleted customers come back.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT * FROM customers WHERE is_active AND deleted_at IS NULL ORDER BY id"),
    orm: ({ prisma }) => prisma.customer.findMany({ where: { isActive: true }, orderBy: { id: "asc" } }),
    expected: () =>
      differs(
        CUSTOMERS.filter((c) => c.isActive && c.deletedAt !== null).map((c) => ({
          field: ROW,
          kind: "extra_row",
          path: row("id", c.id),
        })),
      ),
  },
  {
    id: "searchCustomersByName__case_sensitive",
    module: "customers",
    queryName: "searchCustomersByName",
    description: "Name search for 'john'.",
    plantedBug: "Prisma's `contains` is case-sensitive on PostgreSQL unless mode: 'insensitive'; the legacy SQL used ILIKE.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        "SELECT id, full_name, email FROM customers WHERE full_name ILIKE '%' || $1 || '%' ORDER BY id",
        ["john"],
      ),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { fullName: { contains: "john" } },
        select: { id: true, fullName: true, email: true },
        orderBy: { id: "asc" },
      }),
    expected: () =>
      differs(
        CUSTOMERS.filter((c) => /john/i.test(c.fullName) && !c.fullName.includes("john")).map((c) => ({
          field: ROW,
          kind: "missing_row",
          path: row("id", c.id),
        })),
      ),
  },
  {
    id: "searchCustomers__unordered",
    module: "customers",
    queryName: "searchCustomers",
    description: "Legacy SQL without ORDER BY (heap order) vs Prisma ordered by name; no spec sent, rows pair by id.",
    plantedBug: null,
    spec: null,
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT id, external_id, full_name, tags, rating FROM customers WHERE $1 = ANY (tags)", ["vip"]),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { tags: { has: "vip" } },
        select: { id: true, externalId: true, fullName: true, tags: true, rating: true },
        orderBy: { fullName: "desc" },
      }),
    expected: () => EQUAL,
  },
  {
    id: "tagCounts",
    module: "customers",
    queryName: "tagCounts",
    description: "Rows without an id: legacy unnest + GROUP BY (count as int8 string) vs tags counted in JS after findMany.",
    plantedBug: null,
    spec: null,
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT tag, count(*) AS customer_count
           FROM customers, unnest(tags) AS tag WHERE deleted_at IS NULL GROUP BY tag`,
      ),
    orm: async ({ prisma }) => {
      const found = await prisma.customer.findMany({ where: { deletedAt: null }, select: { tags: true } });
      const counts = new Map<string, number>();
      for (const { tags } of found) {
        for (const tag of tags) {
          counts.set(tag, (counts.get(tag) ?? 0) + 1);
        }
      }
      return [...counts].map(([tag, customerCount]) => ({ tag, customerCount }));
    },
    expected: () => EQUAL,
  },
  {
    id: "getCustomerPreferences__json_text",
    module: "customers",
    queryName: "getCustomerPreferences",
    description: "The legacy handler passes jsonb through as text (preferences::text); Prisma parses Json.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT id, external_id, preferences::text AS preferences FROM customers ORDER BY id"),
    orm: ({ prisma }) =>
      prisma.customer.findMany({ select: { id: true, externalId: true, preferences: true }, orderBy: { id: "asc" } }),
    expected: () => EQUAL,
  },
  {
    id: "getNotificationSettings",
    module: "customers",
    queryName: "getNotificationSettings",
    description: "Preferences with the default notification settings filled in (jsonb || in SQL, spread in JS).",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT id, jsonb_set(preferences, '{notify}', $1::jsonb || COALESCE(preferences -> 'notify', '{}'))
                  AS preferences
           FROM customers WHERE deleted_at IS NULL ORDER BY id`,
        [JSON.stringify(DEFAULT_NOTIFY)],
      ),
    orm: (r) => notificationSettingsOrm(r, false),
    expected: () => EQUAL,
  },
  {
    id: "getNotificationSettings__jsonb_merge",
    module: "customers",
    queryName: "getNotificationSettings",
    description: "Preferences with the default notification settings filled in (jsonb || in SQL, spread in JS).",
    plantedBug:
      "The Prisma port spreads the defaults after the customer's own settings ({...notify, ...DEFAULTS}): " +
      "every explicit choice that differs from a default is overwritten.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT id, jsonb_set(preferences, '{notify}', $1::jsonb || COALESCE(preferences -> 'notify', '{}'))
                  AS preferences
           FROM customers WHERE deleted_at IS NULL ORDER BY id`,
        [JSON.stringify(DEFAULT_NOTIFY)],
      ),
    orm: (r) => notificationSettingsOrm(r, true),
    expected: () =>
      differs(
        live.flatMap((c) => {
          const own = c.preferences.notify ?? {};
          return (Object.keys(DEFAULT_NOTIFY) as (keyof NotifyPrefs)[])
            .filter((k) => k in own && own[k] !== DEFAULT_NOTIFY[k])
            .map((k) => changed("preferences", at(row("id", c.id), "preferences", "notify", k)));
        }),
      ),
  },
  {
    id: "getCustomerContact__empty_string_vs_null",
    module: "customers",
    queryName: "getCustomerContact",
    description: "Contact details of live customers.",
    plantedBug: "The legacy SQL answered COALESCE(phone, '') and the clients rely on ''; the Prisma port returns null.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        "SELECT id, full_name, email, COALESCE(phone, '') AS phone FROM customers WHERE deleted_at IS NULL ORDER BY id",
      ),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { deletedAt: null },
        select: { id: true, fullName: true, email: true, phone: true },
        orderBy: { id: "asc" },
      }),
    expected: () =>
      differs(live.filter((c) => c.phone === null).map((c) => changed("phone", at(row("id", c.id), "phone")))),
  },
  {
    id: "getLoyaltyBalances__bigint_to_number",
    module: "customers",
    queryName: "getLoyaltyBalances",
    description: "Loyalty points (int8) of live customers.",
    plantedBug:
      "To get past 'Do not know how to serialize a BigInt' the Prisma port returns Number(loyaltyPoints), " +
      "which rounds values above 2^53.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT id, loyalty_points FROM customers WHERE deleted_at IS NULL ORDER BY id"),
    orm: async ({ prisma }) =>
      (
        await prisma.customer.findMany({
          where: { deletedAt: null },
          select: { id: true, loyaltyPoints: true },
          orderBy: { id: "asc" },
        })
      ).map((c) => ({ ...c, loyaltyPoints: Number(c.loyaltyPoints) })),
    expected: () =>
      differs(
        live
          .filter((c) => BigInt(Number(c.loyaltyPoints)) !== BigInt(c.loyaltyPoints))
          .map((c) => changed("loyalty_points", at(row("id", c.id), "loyalty_points"))),
      ),
  },
  {
    id: "listCustomerLastSeen__timezone_shift",
    module: "customers",
    queryName: "listCustomerLastSeen",
    description: "Last-seen time (timestamp without time zone) of live customers.",
    plantedBug:
      "The legacy service runs with TZ=Europe/Berlin, so pg reads `timestamp` columns as Berlin wall time; " +
      "Prisma reads them as UTC: every value served by the ORM is shifted by one or two hours.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      withTimeZone("Europe/Berlin", () =>
        rows(
          legacy,
          "SELECT id, full_name, created_at, last_seen_local FROM customers WHERE deleted_at IS NULL ORDER BY id",
        ),
      ),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { deletedAt: null },
        select: { id: true, fullName: true, createdAt: true, lastSeenLocal: true },
        orderBy: { id: "asc" },
      }),
    expected: () =>
      differs(
        live
          .filter((c) => c.lastSeenLocal !== null)
          .map((c) => changed("last_seen_local", at(row("id", c.id), "last_seen_local"))),
      ),
  },
  {
    id: "listCustomersWithReferrer",
    module: "customers",
    queryName: "listCustomersWithReferrer",
    description: "Live customers with the name of whoever referred them (self-join).",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT c.id, c.full_name, r.full_name AS referrer_name
           FROM customers c LEFT JOIN customers r ON r.id = c.referred_by_id
          WHERE c.deleted_at IS NULL ORDER BY c.id`,
      ),
    orm: (r) => referrersOrm(r, false),
    expected: () => EQUAL,
  },
  {
    id: "listCustomersWithReferrer__wrong_join",
    module: "customers",
    queryName: "listCustomersWithReferrer",
    description: "Live customers with the name of whoever referred them (self-join).",
    plantedBug:
      "The Prisma port follows the self-relation the wrong way: it takes the first of the customer's " +
      "`referrals` (people they referred) instead of `referredBy`.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT c.id, c.full_name, r.full_name AS referrer_name
           FROM customers c LEFT JOIN customers r ON r.id = c.referred_by_id
          WHERE c.deleted_at IS NULL ORDER BY c.id`,
      ),
    orm: (r) => referrersOrm(r, true),
    expected: () =>
      differs(
        live
          .filter((c) => {
            const referrer = CUSTOMERS.find((x) => x.id === c.referredById)?.fullName ?? null;
            const firstReferral =
              CUSTOMERS.filter((x) => x.referredById === c.id).sort((a, b) => a.id - b.id)[0]?.fullName ?? null;
            return referrer !== firstReferral;
          })
          .map((c) => changed("referrer_name", at(row("id", c.id), "referrer_name"))),
      ),
  },
  {
    id: "getCustomerWithOrders",
    module: "customers",
    queryName: "getCustomerWithOrders",
    description:
      "A customer with their non-cancelled orders nested: json_agg(json_build_object(...)) in SQL (numeric as " +
      "JSON numbers, timestamptz as +02:00 text with microseconds, dates as text) vs a Prisma include.",
    plantedBug: null,
    spec: null,
    legacy: customerWithOrdersLegacy("AND o.status <> 'cancelled'"),
    orm: ({ prisma }) =>
      prisma.customer.findUnique({
        where: { id: 1 },
        select: {
          id: true, fullName: true, email: true, lifetimeValue: true,
          orders: { where: { status: { not: "cancelled" } }, select: ORDER_SELECT, orderBy: [{ placedAt: "asc" }, { id: "asc" }] },
        },
      }),
    expected: () => EQUAL,
  },
  {
    id: "getCustomerWithOrders__includes_cancelled",
    module: "customers",
    queryName: "getCustomerWithOrders",
    description: "A customer with their non-cancelled orders nested.",
    plantedBug: "The Prisma include lost its `where: { status: { not: 'cancelled' } }`: cancelled orders appear nested.",
    spec: null,
    legacy: customerWithOrdersLegacy("AND o.status <> 'cancelled'"),
    orm: ({ prisma }) =>
      prisma.customer.findUnique({
        where: { id: 1 },
        select: {
          id: true, fullName: true, email: true, lifetimeValue: true,
          orders: { select: ORDER_SELECT, orderBy: [{ placedAt: "asc" }, { id: "asc" }] },
        },
      }),
    expected: () =>
      differs(
        ORDERS.filter((o) => o.customerId === 1 && o.status === "cancelled").map((o) => ({
          field: "orders",
          kind: "extra_row",
          path: `orders${row("id", o.id)}`,
        })),
      ),
  },
  {
    id: "getOrderById",
    module: "orders",
    queryName: "getOrderById",
    description: "One order with an int8 id above 2^53, numeric, numeric[], int[], float8, enum, jsonb, date.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) => (await rows(legacy, "SELECT * FROM orders WHERE id = $1", [ORDERS[3].id]))[0] ?? null,
    orm: ({ prisma }) => prisma.order.findUnique({ where: { id: BigInt(ORDERS[3].id) } }),
    expected: () => EQUAL,
  },
  {
    id: "listOrdersWithCustomer",
    module: "orders",
    queryName: "listOrdersWithCustomer",
    description: "Open orders joined to their customer, newest first: JOIN vs include mapped to the same DTO.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT o.*, c.full_name AS customer_name, c.email AS customer_email
           FROM orders o JOIN customers c ON c.id = o.customer_id
          WHERE o.status IN ('paid', 'shipped') ORDER BY o.placed_at DESC, o.id DESC`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.findMany({
          where: { status: { in: ["paid", "shipped"] } },
          include: { customer: { select: { fullName: true, email: true } } },
          orderBy: [{ placedAt: "desc" }, { id: "desc" }],
        })
      ).map(({ customer, ...o }) => ({ ...o, customerName: customer.fullName, customerEmail: customer.email })),
    expected: () => EQUAL,
  },
  {
    id: "listOrdersByIds__unordered",
    module: "orders",
    queryName: "listOrdersByIds",
    description: "Orders of some customers, no ORDER BY in SQL, Prisma sorted by total; no spec: rows pair by int8 id.",
    plantedBug: null,
    spec: null,
    legacy: ({ legacy }) => rows(legacy, "SELECT * FROM orders WHERE customer_id = ANY ($1)", [[3, 5, 10]]),
    orm: ({ prisma }) =>
      prisma.order.findMany({ where: { customerId: { in: [3, 5, 10] } }, orderBy: { total: "desc" } }),
    expected: () => EQUAL,
  },
  {
    id: "listOrdersForCustomer",
    module: "orders",
    queryName: "listOrdersForCustomer",
    description: "A customer's orders, newest first.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ordersForCustomerLegacy,
    orm: ({ prisma }) =>
      prisma.order.findMany({ where: { customerId: 3 }, orderBy: [{ placedAt: "desc" }, { id: "desc" }] }),
    expected: () => EQUAL,
  },
  {
    id: "listOrdersForCustomer__wrong_order",
    module: "orders",
    queryName: "listOrdersForCustomer",
    description: "A customer's orders, newest first.",
    plantedBug: "The Prisma port sorts placedAt ascending (the default) instead of descending.",
    spec: { key: ["id"], ordered: true },
    legacy: ordersForCustomerLegacy,
    orm: ({ prisma }) =>
      prisma.order.findMany({ where: { customerId: 3 }, orderBy: [{ placedAt: "asc" }, { id: "asc" }] }),
    expected: () => {
      // All seed timestamps are written in UTC ("+00"), so their text sorts as the instants do.
      const ids = ORDERS.filter((o) => o.customerId === 3)
        .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || Number(BigInt(a.id) - BigInt(b.id)))
        .map((o) => o.id);
      return differs([{ field: ORDER, kind: "order", path: row("id", firstMoved([...ids].reverse(), ids)) }]);
    },
  },
  {
    id: "listOpenOrders__missing_column",
    module: "orders",
    queryName: "listOpenOrders",
    description: "Open orders for the shipping screen.",
    plantedBug: "The Prisma `select` leaves out trackingCode: every row lacks the field (null or not).",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT id, customer_id, status, ship_by, tracking_code, shipping
           FROM orders WHERE status IN ('paid', 'shipped') ORDER BY ship_by, id`,
      ),
    orm: ({ prisma }) =>
      prisma.order.findMany({
        where: { status: { in: ["paid", "shipped"] } },
        select: { id: true, customerId: true, status: true, shipBy: true, shipping: true },
        orderBy: [{ shipBy: "asc" }, { id: "asc" }],
      }),
    expected: () =>
      differs(
        ORDERS.filter((o) => o.status === "paid" || o.status === "shipped").map((o) => ({
          field: "tracking_code",
          kind: "missing",
          path: at(row("id", o.id), "tracking_code"),
        })),
      ),
  },
  {
    id: "orderStatsByStatus",
    module: "orders",
    queryName: "orderStatsByStatus",
    description: "GROUP BY with count (int8 string), sum (numeric string), avg float8, max timestamptz, min date vs groupBy.",
    plantedBug: null,
    spec: { key: ["status"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT status, count(*) AS order_count, sum(total) AS revenue, avg(weight_kg) AS avg_weight_kg,
                max(placed_at) AS last_placed_at, min(ship_by) AS first_ship_by
           FROM orders GROUP BY status ORDER BY status`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.groupBy({
          by: ["status"],
          _count: { _all: true },
          _sum: { total: true },
          _avg: { weightKg: true },
          _max: { placedAt: true },
          _min: { shipBy: true },
          orderBy: { status: "asc" },
        })
      ).map((g) => ({
        status: g.status,
        orderCount: g._count._all,
        revenue: g._sum.total,
        avgWeightKg: g._avg.weightKg,
        lastPlacedAt: g._max.placedAt,
        firstShipBy: g._min.shipBy,
      })),
    expected: () => EQUAL,
  },
  {
    id: "avgOrderValueByCustomer__rounding",
    module: "orders",
    queryName: "avgOrderValueByCustomer",
    description: "Average order value per customer, to the cent.",
    plantedBug: "The legacy SQL rounds round(avg(total), 2); the Prisma groupBy returns _avg.total unrounded.",
    spec: { key: ["customer_id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT customer_id, count(*) AS order_count, round(avg(total), 2) AS avg_order_value
           FROM orders GROUP BY customer_id ORDER BY customer_id`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.groupBy({
          by: ["customerId"],
          _count: { _all: true },
          _avg: { total: true },
          orderBy: { customerId: "asc" },
        })
      ).map((g) => ({ customerId: g.customerId, orderCount: g._count._all, avgOrderValue: g._avg.total })),
    expected: () =>
      differs(
        [...new Set(ORDERS.map((o) => o.customerId))]
          .filter((id) => averageNeedsRounding(ORDERS.filter((o) => o.customerId === id).map((o) => o.total)))
          .map((id) => changed("avg_order_value", at(row("customer_id", id), "avg_order_value"))),
      ),
  },
  {
    id: "listCustomersWithOrders",
    module: "customers",
    queryName: "listCustomersWithOrders",
    description:
      "Every customer with all their orders nested (json_agg in SQL vs include), ordered by id: nested rows " +
      "pair by their int8 id, JSON numbers meet Decimal strings, +01:00/+02:00 microsecond text meets ms Z.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT c.id, c.full_name, c.signup_date, c.lifetime_value,
                COALESCE((SELECT json_agg(${ORDER_COLUMNS_JSON})
                            FROM orders o WHERE o.customer_id = c.id), '[]') AS orders
           FROM customers c ORDER BY c.id`,
      ),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        select: {
          id: true, fullName: true, signupDate: true, lifetimeValue: true,
          orders: { select: ORDER_SELECT, orderBy: [{ placedAt: "asc" }, { id: "asc" }] },
        },
        orderBy: { id: "asc" },
      }),
    expected: () => EQUAL,
  },
  {
    id: "getCustomerWithOrders__net_total",
    module: "customers",
    queryName: "getCustomerWithOrders",
    description: "A customer with their non-cancelled orders nested.",
    plantedBug:
      "The Prisma port's DTO mapping applies the discount to each nested order total (total * (1 - discountRate)); " +
      "the legacy endpoint returned the gross total.",
    spec: null,
    legacy: customerWithOrdersLegacy("AND o.status <> 'cancelled'", 3),
    orm: async ({ prisma }) => {
      const found = await prisma.customer.findUnique({
        where: { id: 3 },
        select: {
          id: true, fullName: true, email: true, lifetimeValue: true,
          orders: { where: { status: { not: "cancelled" } }, select: ORDER_SELECT, orderBy: [{ placedAt: "asc" }, { id: "asc" }] },
        },
      });
      if (found === null) {
        return null;
      }
      const one = new Prisma.Decimal(1);
      return {
        ...found,
        orders: found.orders.map((o) => ({
          ...o,
          total: o.discountRate === null ? o.total : o.total.mul(one.sub(o.discountRate)),
        })),
      };
    },
    expected: () =>
      differs(
        ORDERS.filter(
          (o) => o.customerId === 3 && o.status !== "cancelled" && o.discountRate !== null && Number(o.discountRate) !== 0,
        ).map((o) => changed("orders", at(`orders${row("id", o.id)}`, "total"))),
      ),
  },
  {
    id: "customerOrderTotals",
    module: "orders",
    queryName: "customerOrderTotals",
    description:
      "Per-customer totals: SQL sum() of numeric and float8 vs the Prisma port adding up Number(total) and " +
      "weightKg in JS (float sums such as 1165.4900000000002 against the exact '1165.49').",
    plantedBug: null,
    spec: { key: ["customer_id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT customer_id, count(*) AS order_count, sum(total) AS total_spent, sum(weight_kg) AS total_weight_kg
           FROM orders GROUP BY customer_id ORDER BY customer_id`,
      ),
    orm: async ({ prisma }) => {
      const found = await prisma.order.findMany({
        select: { customerId: true, total: true, weightKg: true },
        orderBy: [{ customerId: "asc" }, { placedAt: "desc" }],
      });
      const totals = new Map<number, { customerId: number; orderCount: number; totalSpent: number; totalWeightKg: number }>();
      for (const o of found) {
        const t = totals.get(o.customerId) ?? { customerId: o.customerId, orderCount: 0, totalSpent: 0, totalWeightKg: 0 };
        t.orderCount += 1;
        t.totalSpent += Number(o.total);
        t.totalWeightKg += o.weightKg;
        totals.set(o.customerId, t);
      }
      return [...totals.values()];
    },
    expected: () => EQUAL,
  },
  {
    id: "listOrdersForCustomer__no_orders",
    module: "orders",
    queryName: "listOrdersForCustomer",
    description: "A customer without orders: both sides answer an empty list.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT * FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC, id DESC", [2]),
    orm: ({ prisma }) =>
      prisma.order.findMany({ where: { customerId: 2 }, orderBy: [{ placedAt: "desc" }, { id: "desc" }] }),
    expected: () => EQUAL,
  },
  {
    id: "listCustomerTimestamps__text",
    module: "customers",
    queryName: "listCustomerTimestamps",
    description:
      "Dates and times from a legacy service that keeps pg's date/time values as PostgreSQL text " +
      "('2021-03-01 10:15:27.123456+01', '2025-01-15 08:00:00', '2021-03-01') vs Prisma DateTime ISO strings.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacyText }) =>
      rows(
        legacyText,
        `SELECT id, signup_date, created_at, last_seen_local, deleted_at
           FROM customers WHERE is_active ORDER BY id`,
      ),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { isActive: true },
        select: { id: true, signupDate: true, createdAt: true, lastSeenLocal: true, deletedAt: true },
        orderBy: { id: "asc" },
      }),
    expected: () => EQUAL,
  },
  {
    id: "orderFulfilmentTimes",
    module: "orders",
    queryName: "orderFulfilmentTimes",
    description:
      "Time from order to delivery: an interval in SQL (PostgreSQL text, '1 day 02:30:00') vs the Prisma " +
      "port computing it in JS as an ISO 8601 duration ('P1DT2H30M0S'), since Prisma cannot select an interval.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacyText }) =>
      rows(
        legacyText,
        `SELECT id, placed_at, delivered_at, delivered_at - placed_at AS fulfilment_time
           FROM orders WHERE delivered_at IS NOT NULL ORDER BY id`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.findMany({
          where: { deliveredAt: { not: null } },
          select: { id: true, placedAt: true, deliveredAt: true },
          orderBy: { id: "asc" },
        })
      ).map((o) => ({
        ...o,
        fulfilmentTime: o.deliveredAt === null ? null : isoDuration(o.deliveredAt.getTime() - o.placedAt.getTime()),
      })),
    expected: () => EQUAL,
  },
  {
    id: "listShippingCountries__forgotten_filter",
    module: "orders",
    queryName: "listShippingCountries",
    description: "Destination country of every non-cancelled order: rows without an id, duplicates on both sides.",
    plantedBug:
      "The Prisma port forgot `status: { not: 'cancelled' }`: the cancelled orders' countries come back as " +
      "extra copies of values the legacy side also has.",
    spec: null,
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT shipping -> 'address' ->> 'country' AS country
           FROM orders WHERE status <> 'cancelled' ORDER BY id`,
      ),
    orm: async ({ prisma }) =>
      (await prisma.order.findMany({ select: { shipping: true }, orderBy: { id: "asc" } })).map((o) => ({
        country: countryOf(o.shipping as Record<string, unknown>),
      })),
    expected: () => {
      const byId = [...ORDERS].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
      const legacyRows = byId.filter((o) => o.status !== "cancelled").map((o) => String(countryOf(o.shipping)));
      const ormRows = byId.map((o) => String(countryOf(o.shipping)));
      return differs(
        extraCopies(legacyRows, ormRows).map((index) => ({ field: ROW, kind: "extra_row", path: `[${index}]` })),
      );
    },
  },
  {
    id: "getCustomerProfile__rename",
    module: "customers",
    queryName: "getCustomerProfile",
    description: "The Prisma DTO calls `email` `contactEmail`; the backend declares it in spec.rename.",
    plantedBug: null,
    spec: { rename: { email: "contactEmail" } },
    legacy: async ({ legacy }) =>
      (await rows(legacy, "SELECT id, full_name, email, phone FROM customers WHERE id = $1", [5]))[0] ?? null,
    orm: async ({ prisma }) => {
      const c = await prisma.customer.findUnique({
        where: { id: 5 },
        select: { id: true, fullName: true, email: true, phone: true },
      });
      return c === null ? null : { id: c.id, fullName: c.fullName, contactEmail: c.email, phone: c.phone };
    },
    expected: () => EQUAL,
  },
  {
    id: "getCustomerProfile__undeclared_rename",
    module: "customers",
    queryName: "getCustomerProfile",
    description: "The Prisma DTO calls `email` `contactEmail`.",
    plantedBug: "The backend does not declare the rename in the spec: `email` is missing on one side, `contactEmail` on the other.",
    spec: null,
    legacy: async ({ legacy }) =>
      (await rows(legacy, "SELECT id, full_name, email, phone FROM customers WHERE id = $1", [5]))[0] ?? null,
    orm: async ({ prisma }) => {
      const c = await prisma.customer.findUnique({
        where: { id: 5 },
        select: { id: true, fullName: true, email: true, phone: true },
      });
      return c === null ? null : { id: c.id, fullName: c.fullName, contactEmail: c.email, phone: c.phone };
    },
    expected: () =>
      differs([
        { field: "email", kind: "missing", path: "email" },
        { field: "contactEmail", kind: "missing", path: "contactEmail" },
      ]),
  },
  {
    id: "listActiveCustomers__ignored_column",
    module: "customers",
    queryName: "listActiveCustomers",
    description: "The Prisma port no longer returns avatars (`omit: { avatar: true }`, served from a CDN now); spec.ignore says so.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, ignore: ["avatar"] },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT * FROM customers WHERE is_active AND deleted_at IS NULL ORDER BY id"),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { isActive: true, deletedAt: null },
        omit: { avatar: true },
        orderBy: { id: "asc" },
      }),
    expected: () => EQUAL,
  },
  {
    id: "getCustomerByExternalId__uppercase_uuid",
    module: "customers",
    queryName: "getCustomerByExternalId",
    description: "The legacy SQL prints the uuid upper-case for a partner API (upper(external_id::text)); Prisma gives it lower-case.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) =>
      (
        await rows(
          legacy,
          "SELECT id, upper(external_id::text) AS external_id, full_name FROM customers WHERE external_id = $1",
          [CUSTOMERS[2].externalId],
        )
      )[0] ?? null,
    orm: ({ prisma }) =>
      prisma.customer.findUnique({
        where: { externalId: CUSTOMERS[2].externalId },
        select: { id: true, externalId: true, fullName: true },
      }),
    expected: () => EQUAL,
  },
  {
    id: "customerLeaderboard",
    module: "customers",
    queryName: "customerLeaderboard",
    description:
      "Customers ranked by lifetime value, keyed by rank: row_number() is int8, so the legacy key is '1', '2', " +
      "... while the Prisma port numbers the rows in JS (1, 2, ...).",
    plantedBug: null,
    spec: { key: ["rank"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT row_number() OVER (ORDER BY lifetime_value DESC, id) AS rank, id, full_name, lifetime_value
           FROM customers WHERE deleted_at IS NULL ORDER BY rank`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.customer.findMany({
          where: { deletedAt: null },
          select: { id: true, fullName: true, lifetimeValue: true },
          orderBy: [{ lifetimeValue: "desc" }, { id: "asc" }],
        })
      ).map((c, index) => ({ rank: index + 1, ...c })),
    expected: () => EQUAL,
  },
  {
    id: "listOrderTimes__to_char_seconds",
    module: "orders",
    queryName: "listOrderTimes",
    description:
      "The legacy SQL formats times itself, to the second (to_char(placed_at AT TIME ZONE 'UTC', ...)); Prisma " +
      "gives milliseconds: compared at the coarser precision.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT id, to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS placed_at
           FROM orders ORDER BY id`,
      ),
    orm: ({ prisma }) => prisma.order.findMany({ select: { id: true, placedAt: true }, orderBy: { id: "asc" } }),
    expected: () => EQUAL,
  },
  {
    id: "listOrdersWithCustomer__enum_case",
    module: "orders",
    queryName: "listOrdersWithCustomer",
    description: "Open orders joined to their customer, newest first: JOIN vs include mapped to the same DTO.",
    plantedBug: "The Prisma port's DTO upper-cases the status for a GraphQL enum ('shipped' -> 'SHIPPED').",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT o.*, c.full_name AS customer_name, c.email AS customer_email
           FROM orders o JOIN customers c ON c.id = o.customer_id
          WHERE o.status IN ('paid', 'shipped') ORDER BY o.placed_at DESC, o.id DESC`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.findMany({
          where: { status: { in: ["paid", "shipped"] } },
          include: { customer: { select: { fullName: true, email: true } } },
          orderBy: [{ placedAt: "desc" }, { id: "desc" }],
        })
      ).map(({ customer, ...o }) => ({
        ...o,
        status: o.status.toUpperCase(),
        customerName: customer.fullName,
        customerEmail: customer.email,
      })),
    expected: () =>
      differs(
        ORDERS.filter((o) => o.status === "paid" || o.status === "shipped").map((o) =>
          changed("status", at(row("id", o.id), "status")),
        ),
      ),
  },
  {
    id: "listCustomerTags__sorted",
    module: "customers",
    queryName: "listCustomerTags",
    description: "Each live customer's tags, in the order the customer added them.",
    plantedBug: "The Prisma port sorts the tags alphabetically ([...tags].sort()): arrays of scalars compare by position.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) => rows(legacy, "SELECT id, tags FROM customers WHERE deleted_at IS NULL ORDER BY id"),
    orm: async ({ prisma }) =>
      (
        await prisma.customer.findMany({
          where: { deletedAt: null },
          select: { id: true, tags: true },
          orderBy: { id: "asc" },
        })
      ).map((c) => ({ ...c, tags: [...c.tags].sort() })),
    expected: () =>
      differs(
        live.flatMap((c) => {
          const sorted = [...c.tags].sort();
          return c.tags
            .map((tag, index) => ({ tag, index }))
            .filter(({ tag, index }) => sorted[index] !== tag)
            .map(({ index }) => changed("tags", `${at(row("id", c.id), "tags")}[${index}]`));
        }),
      ),
  },
  {
    id: "listOrderNotes__dropped_empty_fields",
    module: "orders",
    queryName: "listOrderNotes",
    description: "Gift messages of all orders.",
    plantedBug:
      "The Prisma DTO adds the field only when set (...(o.giftMessage ? { giftMessage } : {})): where the legacy " +
      "side has null or '' the key is missing.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) => rows(legacy, "SELECT id, status, gift_message FROM orders ORDER BY id"),
    orm: async ({ prisma }) =>
      (
        await prisma.order.findMany({ select: { id: true, status: true, giftMessage: true }, orderBy: { id: "asc" } })
      ).map(({ giftMessage, ...o }) => ({ ...o, ...(giftMessage ? { giftMessage } : {}) })),
    expected: () =>
      differs(
        ORDERS.filter((o) => !o.giftMessage).map((o) => ({
          field: "gift_message",
          kind: "missing",
          path: at(row("id", o.id), "gift_message"),
        })),
      ),
  },
  {
    id: "listCustomerRatings__rounded",
    module: "customers",
    queryName: "listCustomerRatings",
    description: "Live customers' ratings (float8).",
    plantedBug:
      "The Prisma DTO rounds ratings to one decimal (Math.round(r * 10) / 10). 4.999999999 -> 5 stays within the " +
      "default relative float tolerance (1e-9) and must not be reported; the other changes must.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) => rows(legacy, "SELECT id, rating FROM customers WHERE deleted_at IS NULL ORDER BY id"),
    orm: async ({ prisma }) =>
      (
        await prisma.customer.findMany({
          where: { deletedAt: null },
          select: { id: true, rating: true },
          orderBy: { id: "asc" },
        })
      ).map((c) => ({ ...c, rating: c.rating === null ? null : Math.round(c.rating * 10) / 10 })),
    expected: () =>
      differs(
        live
          .filter((c) => c.rating !== null && !floatsClose(c.rating, Math.round(c.rating * 10) / 10))
          .map((c) => changed("rating", at(row("id", c.id), "rating"))),
      ),
  },
  {
    id: "getLoyaltyBalances__legacy_parseint",
    module: "customers",
    queryName: "getLoyaltyBalances",
    description: "Loyalty points (int8) of live customers.",
    plantedBug:
      "This time the legacy side is wrong: its pg is set to parse int8 with parseInt, which rounds values above " +
      "2^53; Prisma's BigInt keeps them. The engine reports the difference whichever side is at fault.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacyInt8Numbers }) =>
      rows(legacyInt8Numbers, "SELECT id, loyalty_points FROM customers WHERE deleted_at IS NULL ORDER BY id"),
    orm: ({ prisma }) =>
      prisma.customer.findMany({
        where: { deletedAt: null },
        select: { id: true, loyaltyPoints: true },
        orderBy: { id: "asc" },
      }),
    expected: () =>
      differs(
        live
          .filter((c) => BigInt(Number.parseInt(c.loyaltyPoints, 10)) !== BigInt(c.loyaltyPoints))
          .map((c) => changed("loyalty_points", at(row("id", c.id), "loyalty_points"))),
      ),
  },
  {
    id: "tagCounts__forgotten_filter",
    module: "customers",
    queryName: "tagCounts",
    description: "Customers per tag, sorted by tag (C collation on both sides); rows without an id.",
    plantedBug:
      "The Prisma port counts deleted customers too: one count changes (rows pair by the most fields in common, " +
      "so the report is a changed customer_count, not a missing plus an extra row) and a tag only a deleted " +
      "customer has comes back as an extra row.",
    spec: null,
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT tag, count(*) AS customer_count
           FROM customers, unnest(tags) AS tag WHERE deleted_at IS NULL GROUP BY tag ORDER BY tag COLLATE "C"`,
      ),
    orm: async ({ prisma }) => {
      const found = await prisma.customer.findMany({ select: { tags: true } });
      const counts = new Map<string, number>();
      for (const { tags } of found) {
        for (const tag of tags) {
          counts.set(tag, (counts.get(tag) ?? 0) + 1);
        }
      }
      return [...counts]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([tag, customerCount]) => ({ tag, customerCount }));
    },
    expected: () => {
      const legacyCounts = tagCountsOf(live);
      const ormCounts = tagCountsOf(CUSTOMERS);
      const legacyIndex = new Map(legacyCounts.map(([tag], index) => [tag, index]));
      const byTag = new Map(legacyCounts);
      return differs(
        ormCounts.flatMap(([tag, count], ormIndex) => {
          const index = legacyIndex.get(tag);
          if (index === undefined) {
            return [{ field: ROW, kind: "extra_row", path: `[${ormIndex}]` }];
          }
          return byTag.get(tag) === count ? [] : [changed("customer_count", `[${index}].customer_count`)];
        }),
      );
    },
  },
  {
    id: "listShippingAddresses__zip_as_number",
    module: "orders",
    queryName: "listShippingAddresses",
    description: "The shipping address (a jsonb object) of every order that has one.",
    plantedBug:
      "The Prisma port's DTO types zip as a number (zip: Number(a.zip)). '23669' vs 23669 is the same number and " +
      "must not be reported; '02139' vs 2139 (text that is no canonical number vs a number) is kind `type`; " +
      "'EC1A 1BB' becomes NaN, which JSON writes as null: kind `changed`.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        "SELECT id, shipping -> 'address' AS address FROM orders WHERE shipping ? 'address' ORDER BY id",
      ),
    orm: async ({ prisma }) =>
      (await prisma.order.findMany({ select: { id: true, shipping: true }, orderBy: { id: "asc" } }))
        .filter((o) => (o.shipping as Record<string, unknown>).address !== undefined)
        .map((o) => {
          const address = (o.shipping as { address: Record<string, unknown> }).address;
          return { id: o.id, address: { ...address, zip: Number(address.zip) } };
        }),
    expected: () =>
      differs(
        ORDERS.filter((o) => o.shipping.address !== undefined).flatMap((o) => {
          const zip = (o.shipping.address as { zip: string }).zip;
          const path = at(row("id", o.id), "address", "zip");
          const asNumber = Number(zip);
          if (Number.isNaN(asNumber)) {
            return [changed("address", path)];
          }
          return String(asNumber) === zip ? [] : [{ field: "address", kind: "type", path }];
        }),
      ),
  },
  {
    id: "getOrderWithCustomer",
    module: "orders",
    queryName: "getOrderWithCustomer",
    description:
      "One order with its customer and the customer's referrer as nested objects (json_build_object in SQL, " +
      "nested include in Prisma); the referrer of the referrer is null on both sides.",
    plantedBug: null,
    spec: null,
    legacy: async ({ legacy }) =>
      (
        await rows(
          legacy,
          `SELECT o.id, o.status, o.total, o.placed_at,
                  json_build_object(
                    'id', c.id, 'full_name', c.full_name, 'created_at', c.created_at,
                    'loyalty_points', c.loyalty_points::text, 'preferences', c.preferences,
                    'referred_by', (SELECT json_build_object('id', r.id, 'full_name', r.full_name,
                                                             'signup_date', r.signup_date,
                                                             'referred_by_id', r.referred_by_id)
                                      FROM customers r WHERE r.id = c.referred_by_id)) AS customer
             FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1`,
          [ORDERS[8].id],
        )
      )[0] ?? null,
    orm: ({ prisma }) =>
      prisma.order.findUnique({
        where: { id: BigInt(ORDERS[8].id) },
        select: {
          id: true, status: true, total: true, placedAt: true,
          customer: {
            select: {
              id: true, fullName: true, createdAt: true, loyaltyPoints: true, preferences: true,
              referredBy: { select: { id: true, fullName: true, signupDate: true, referredById: true } },
            },
          },
        },
      }),
    expected: () => EQUAL,
  },
  {
    id: "getCustomerById__findMany_list",
    module: "customers",
    queryName: "getCustomerById",
    description: "One customer by id.",
    plantedBug: "The Prisma port used findMany({ where: { id } }) instead of findUnique: it answers a list of one row.",
    spec: null,
    legacy: async ({ legacy }) =>
      (await rows(legacy, "SELECT id, full_name, email FROM customers WHERE id = $1", [4]))[0] ?? null,
    orm: ({ prisma }) =>
      prisma.customer.findMany({ where: { id: 4 }, select: { id: true, fullName: true, email: true } }),
    expected: () => differs([{ field: "__result__", kind: "type", path: "" }]),
  },
  {
    id: "findCustomerByEmail__case_sensitive",
    module: "customers",
    queryName: "findCustomerByEmail",
    description: "Look a customer up by e-mail as the user typed it ('Ada@Example.com').",
    plantedBug:
      "The legacy SQL compares lower(email) = lower($1); the Prisma findFirst compares exactly and finds nobody: " +
      "a value against null at the top level, which SPEC section 2 calls a different shape (kind `type`).",
    spec: null,
    legacy: async ({ legacy }) =>
      (
        await rows(legacy, "SELECT id, full_name, email FROM customers WHERE lower(email) = lower($1)", [
          "Ada@Example.com",
        ])
      )[0] ?? null,
    orm: ({ prisma }) =>
      prisma.customer.findFirst({
        where: { email: "Ada@Example.com" },
        select: { id: true, fullName: true, email: true },
      }),
    expected: () => differs([{ field: "__result__", kind: "type", path: "" }]),
  },
  {
    id: "listCustomerLastSeen__berlin_wall_time",
    module: "customers",
    queryName: "listCustomerLastSeen",
    description:
      "Last-seen times stored as Berlin wall time in a `timestamp` column. The legacy service hands out the text " +
      "('2025-06-30 22:45:10.5'); the Prisma port turns it into the instant it means (Berlin -> UTC ISO). The " +
      "backend declares naive_time_zone: Europe/Berlin (2025-10-26 02:30 is ambiguous: both sides take the first).",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, naive_time_zone: "Europe/Berlin" },
    legacy: ({ legacyText }) =>
      rows(legacyText, "SELECT id, last_seen_local FROM customers WHERE deleted_at IS NULL ORDER BY id"),
    orm: async ({ prisma }) => {
      const found = await prisma.customer.findMany({
        where: { deletedAt: null },
        select: { id: true, lastSeenLocal: true },
        orderBy: { id: "asc" },
      });
      // Prisma reads `timestamp` as UTC; the port reinterprets those fields as Berlin wall time.
      return withTimeZone("Europe/Berlin", async () =>
        found.map(({ lastSeenLocal: w, ...c }) => ({
          ...c,
          lastSeenLocal:
            w === null
              ? null
              : new Date(
                  w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(),
                  w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds(), w.getUTCMilliseconds(),
                ),
        })),
      );
    },
    expected: () => EQUAL,
  },
  {
    id: "listOrderTimes__date_trunc_seconds",
    module: "orders",
    queryName: "listOrderTimes",
    description:
      "The legacy SQL truncates times to the second (date_trunc) for its API; both sides print milliseconds, so " +
      "the backend declares time_precision: s.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, time_precision: "s" },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT id, date_trunc('second', placed_at) AS placed_at FROM orders ORDER BY id"),
    orm: ({ prisma }) => prisma.order.findMany({ select: { id: true, placedAt: true }, orderBy: { id: "asc" } }),
    expected: () => EQUAL,
  },
  {
    id: "listOrderTimes__date_trunc_undeclared",
    module: "orders",
    queryName: "listOrderTimes",
    description: "The legacy SQL truncates times to the second (date_trunc); both sides print milliseconds.",
    plantedBug:
      "The backend does not declare time_precision: both sides carry three fraction digits, so every order " +
      "placed at a non-zero millisecond differs.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(legacy, "SELECT id, date_trunc('second', placed_at) AS placed_at FROM orders ORDER BY id"),
    orm: ({ prisma }) => prisma.order.findMany({ select: { id: true, placedAt: true }, orderBy: { id: "asc" } }),
    expected: () =>
      differs(
        ORDERS.filter((o) => millisOf(o.placedAt) !== 0).map((o) => changed("placed_at", at(row("id", o.id), "placed_at"))),
      ),
  },
  {
    id: "orderStatsByStatus__strict_types",
    module: "orders",
    queryName: "orderStatsByStatus",
    description:
      "The same GROUP BY as orderStatsByStatus, for an endpoint whose clients parse the JSON strictly: the backend " +
      "sends strict_types, so text is compared as written.",
    plantedBug:
      "Under strict_types the representation differences are real: int8 count text vs number (type), numeric " +
      "sum '250.00' vs Decimal '250' (changed), date '2025-06-03' vs '2025-06-03T00:00:00.000Z' (changed).",
    spec: { key: ["status"], ordered: true, strict_types: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT status, count(*) AS order_count, sum(total) AS revenue, avg(weight_kg) AS avg_weight_kg,
                max(placed_at) AS last_placed_at, min(ship_by) AS first_ship_by
           FROM orders GROUP BY status ORDER BY status`,
      ),
    orm: async ({ prisma }) =>
      (
        await prisma.order.groupBy({
          by: ["status"],
          _count: { _all: true },
          _sum: { total: true },
          _avg: { weightKg: true },
          _max: { placedAt: true },
          _min: { shipBy: true },
          orderBy: { status: "asc" },
        })
      ).map((g) => ({
        status: g.status,
        orderCount: g._count._all,
        revenue: g._sum.total,
        avgWeightKg: g._avg.weightKg,
        lastPlacedAt: g._max.placedAt,
        firstShipBy: g._min.shipBy,
      })),
    expected: () => {
      const statuses = [...new Set(ORDERS.map((o) => o.status))];
      return differs(
        statuses.flatMap((status) => {
          const group = ORDERS.filter((o) => o.status === status);
          const where = row("status", status);
          const out: ExpectedDifference[] = [{ field: "order_count", kind: "type", path: at(where, "order_count") }];
          const revenue = decimalText(group.reduce((sum, o) => sum + BigInt(o.total.replace(".", "")), 0n));
          if (revenue.sql !== revenue.decimal) {
            out.push(changed("revenue", at(where, "revenue")));
          }
          if (group.some((o) => o.shipBy !== null)) {
            out.push(changed("first_ship_by", at(where, "first_ship_by")));
          }
          return out;
        }),
      );
    },
  },
  {
    id: "listOrderShipping__camelcased_jsonb",
    module: "orders",
    queryName: "listOrderShipping",
    description:
      "Shipping details (jsonb) of every order. The Prisma port runs a deep camelcase-keys over its whole DTO, " +
      "jsonb included: leave_at_door -> leaveAtDoor is the same field and must not be reported.",
    plantedBug:
      "One order's jsonb holds both delivery_notes (old web app) and deliveryNotes (new mobile app). After " +
      "camel-casing, one overwrites the other. Two keys with one canonical form: the engine falls back to exact " +
      "names, so delivery_notes is missing on the ORM side and deliveryNotes changed.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) => rows(legacy, "SELECT id, shipping FROM orders ORDER BY id"),
    orm: async ({ prisma }) =>
      (await prisma.order.findMany({ select: { id: true, shipping: true }, orderBy: { id: "asc" } })).map((o) => ({
        id: o.id,
        shipping: camelKeysDeep(o.shipping),
      })),
    expected: () =>
      differs(
        ORDERS.flatMap((o) => {
          const keys = Object.keys(o.shipping);
          if (new Set(keys.map(camelName)).size === keys.length) {
            return [];
          }
          // jsonb's key order decides which spelling survives the camel-casing.
          const camel: Record<string, unknown> = {};
          for (const key of jsonbKeyOrder(keys)) {
            camel[camelName(key)] = o.shipping[key];
          }
          const where = at(row("id", o.id), "shipping");
          return keys.flatMap((key): ExpectedDifference[] => {
            if (!(key in camel)) {
              return [{ field: "shipping", kind: "missing", path: at(where, key) }];
            }
            return JSON.stringify(camel[key]) === JSON.stringify(o.shipping[key]) ? [] : [changed("shipping", at(where, key))];
          });
        }),
      ),
  },
  {
    id: "getCustomerPreferences__json_text_merge",
    module: "customers",
    queryName: "getNotificationSettings",
    description:
      "Preferences with default notification settings filled in; the legacy handler passes the jsonb through as " +
      "text (jsonb_set(...)::text), the Prisma port returns the parsed object.",
    plantedBug:
      "The Prisma port spreads the defaults after the customer's own settings; the differences must be reported " +
      "inside the legacy side's JSON text, at the nested path.",
    spec: { key: ["id"], ordered: true },
    legacy: ({ legacy }) =>
      rows(
        legacy,
        `SELECT id, jsonb_set(preferences, '{notify}', $1::jsonb || COALESCE(preferences -> 'notify', '{}'))::text
                  AS preferences
           FROM customers WHERE deleted_at IS NULL ORDER BY id`,
        [JSON.stringify(DEFAULT_NOTIFY)],
      ),
    orm: (r) => notificationSettingsOrm(r, true),
    expected: () =>
      differs(
        live.flatMap((c) => {
          const own = c.preferences.notify ?? {};
          return (Object.keys(DEFAULT_NOTIFY) as (keyof NotifyPrefs)[])
            .filter((k) => k in own && own[k] !== DEFAULT_NOTIFY[k])
            .map((k) => changed("preferences", at(row("id", c.id), "preferences", "notify", k)));
        }),
      ),
  },
];
