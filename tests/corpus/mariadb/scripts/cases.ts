// The MariaDB fixture pairs: one query read the legacy way (raw SQL through mysql2) and the Prisma 7 way
// (@prisma/adapter-mariadb), each side sent as its Express app's res.json sends it, with the outcome the
// engine must report. Expected differences of a planted bug come from the seed rows (seed.ts).
import type { Pool } from "mysql2/promise";

import { Prisma, type PrismaClient } from "../../generated/mariadb/client.ts";
import { bigintAsNumber, bigintAsSafeNumber, bigintAsString } from "../../scripts/express.ts";
import {
  at, type Case, changed, differs, EQUAL, type ExpectedDifference, firstMoved, ORDER, ROW, row,
} from "../../scripts/corpus.ts";
import { INTEGRAL_PRINT_GAUGE, INVOICES, MEMBERS, RECENT_SINCE, SUBSCRIPTIONS } from "./seed.ts";

/** `legacy`: mysql2 with BIGINTs as strings; `legacyText`: also dates, times and JSON as text;
 * `legacyDefault`: mysql2's defaults (BIGINT as a JS number); `legacyPlusOne`: DATETIMEs read as +01:00. */
export type Readers = {
  legacy: Pool;
  legacyText: Pool;
  legacyDefault: Pool;
  legacyPlusOne: Pool;
  prisma: PrismaClient;
};

async function rows(db: Pool, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const [result] = await db.query(sql, params);
  return result as Record<string, unknown>[];
}

/** The legacy Express app: its pool already sends BIGINTs as strings; the replacer is there for safety. */
const sql = (read: (r: Readers) => Promise<unknown>) => ({ read, replacer: bigintAsString });
/** The ported Express app: Prisma hands out BigInt, sent as a number when safe, else as a string. */
const orm = (read: (r: Readers) => Promise<unknown>) => ({ read, replacer: bigintAsSafeNumber });

const live = MEMBERS.filter((m) => m.deletedAt === null);

/** The SET column, which the Prisma model leaves Unsupported: the port reads it through $queryRaw. */
async function flagsById(prisma: PrismaClient): Promise<Map<number, unknown>> {
  const found = await prisma.$queryRaw<{ id: number; flags: unknown }[]>`SELECT id, flags FROM members`;
  return new Map(found.map((r) => [r.id, r.flags]));
}

async function membersWithFlags(prisma: PrismaClient, where: Record<string, unknown>) {
  const flags = await flagsById(prisma);
  const found = await prisma.member.findMany({ where, orderBy: { id: "asc" } });
  return found.map((m) => ({ ...m, flags: flags.get(m.id) }));
}

/** What the port's helper makes of a BINARY(16) uuid: the hyphenated lowercase form. */
function uuidOf(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const millisOf = (timestamp: string): number => Number((/\.(\d{1,3})/.exec(timestamp)?.[1] ?? "0").padEnd(3, "0"));

const INVOICE_JSON = `JSON_OBJECT('id', CAST(i.id AS CHAR), 'number', i.number, 'amount', i.amount,
    'tax_rate', i.tax_rate, 'paid', i.paid, 'issued_at', i.issued_at, 'due_on', i.due_on,
    'line_items', i.line_items)`;

function memberWithInvoicesLegacy(extraWhere: string, memberId: number) {
  return async ({ legacy }: Readers) =>
    (
      await rows(
        legacy,
        `SELECT m.id, m.display_name, m.credit,
                COALESCE((SELECT JSON_ARRAYAGG(${INVOICE_JSON} ORDER BY i.issued_at, i.id)
                            FROM invoices i WHERE i.member_id = m.id ${extraWhere}), JSON_ARRAY()) AS invoices
           FROM members m WHERE m.id = ?`,
        [memberId],
      )
    )[0] ?? null;
}

const INVOICE_SELECT = {
  id: true, number: true, amount: true, taxRate: true, paid: true, issuedAt: true, dueOn: true, lineItems: true,
} as const;

const FLAT_MEMBER_SQL = `SELECT i.id, i.number, i.status, i.amount, m.display_name AS member_display_name,
       m.email AS member_email, m.plan AS member_plan
  FROM invoices i JOIN members m ON m.id = i.member_id ORDER BY i.id`;
const FLAT_MEMBER_RENAME = {
  member_display_name: "member.displayName",
  member_email: "member.email",
  member_plan: "member.plan",
};

const byId = <T extends { id: string }>(a: T, b: T): number => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
const memberOf = (id: number) => {
  const found = MEMBERS.find((m) => m.id === id);
  if (found === undefined) {
    throw new Error(`no member ${id}`);
  }
  return found;
};

export const CASES: Case<Readers>[] = [
  // ---------------------------------------------------------------- pairs equal in data
  {
    id: "getMemberById",
    module: "members",
    queryName: "getMemberById",
    description:
      "One member, every column type set: SELECT * vs findUnique plus the SET column through $queryRaw. " +
      "TINYINT(1) 1 vs true, BIT(1) Buffer JSON vs true, BINARY(16)/BLOB Buffer JSON vs a Uint8Array's " +
      "index object, DECIMAL '0.0000000500' vs decimal.js '5e-8', FLOAT 0.7 vs 0.699999988079071, TIME " +
      "'22:00:00' vs 1970-01-01T22:00:00.000Z, SET 'beta,internal' vs an array.",
    plantedBug: null,
    spec: null,
    legacy: sql(async ({ legacy }) => (await rows(legacy, "SELECT * FROM members WHERE id = ?", [1]))[0] ?? null),
    orm: orm(async ({ prisma }) => (await membersWithFlags(prisma, { id: 1 }))[0] ?? null),
    expected: () => EQUAL,
  },
  {
    id: "getMemberById__nulls",
    module: "members",
    queryName: "getMemberById",
    description: "A member whose nullable columns are NULL, whose SET is empty ('' vs []) and whose credit is 0.00.",
    plantedBug: null,
    spec: null,
    legacy: sql(async ({ legacy }) => (await rows(legacy, "SELECT * FROM members WHERE id = ?", [2]))[0] ?? null),
    orm: orm(async ({ prisma }) => (await membersWithFlags(prisma, { id: 2 }))[0] ?? null),
    expected: () => EQUAL,
  },
  {
    id: "getMemberById__edges",
    module: "members",
    queryName: "getMemberById",
    description:
      "A member at the edges: a JSON scalar in the JSON column, an empty BLOB (Buffer JSON with no data vs " +
      "the empty Uint8Array's {}), DECIMAL 0.0000000001 (decimal.js '1e-10'), a negative BIGINT, DOUBLE 1e-7, " +
      "TIME 00:00:00, a leap-day DATE.",
    plantedBug: null,
    spec: null,
    legacy: sql(async ({ legacy }) => (await rows(legacy, "SELECT * FROM members WHERE id = ?", [4]))[0] ?? null),
    orm: orm(async ({ prisma }) => (await membersWithFlags(prisma, { id: 4 }))[0] ?? null),
    expected: () => EQUAL,
  },
  {
    id: "listMembers",
    module: "members",
    queryName: "listMembers",
    description: "Every member not soft-deleted, all columns, ordered by id.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT * FROM members WHERE deleted_at IS NULL ORDER BY id")),
    orm: orm(({ prisma }) => membersWithFlags(prisma, { deletedAt: null })),
    expected: () => EQUAL,
  },
  {
    id: "listMembers__text_pool",
    module: "members",
    queryName: "listMembers",
    description:
      "The same list read by a service with dateStrings and jsonStrings: DATETIME(6) '2021-03-01 " +
      "09:15:27.123456', DATE '1990-05-17', TIMESTAMP(3) text, and the JSON column as text. One member's " +
      "JSON holds a scalar ('\"compact\"' vs 'compact'), so the backend declares settings as json.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, types: { settings: "json" } },
    legacy: sql(({ legacyText }) => rows(legacyText, "SELECT * FROM members WHERE deleted_at IS NULL ORDER BY id")),
    orm: orm(({ prisma }) => membersWithFlags(prisma, { deletedAt: null })),
    expected: () => EQUAL,
  },
  {
    id: "listMemberPublicIds",
    module: "members",
    queryName: "listMemberPublicIds",
    description: "BINARY(16) uuids: the legacy SQL sends HEX(public_id) (32 upper-case digits), the port formats the bytes.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, HEX(public_id) AS public_id FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, publicId: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        publicId: uuidOf(m.publicId),
      })),
    ),
    expected: () => EQUAL,
  },
  {
    id: "countActiveMembers",
    module: "members",
    queryName: "countActiveMembers",
    description: "A scalar: COUNT(*) is a BIGINT, sent as a string by the legacy pool; Prisma's count() a number.",
    plantedBug: null,
    spec: null,
    legacy: sql(async ({ legacy }) =>
      (await rows(legacy, "SELECT COUNT(*) AS n FROM members WHERE is_active = 1 AND deleted_at IS NULL"))[0].n,
    ),
    orm: orm(({ prisma }) => prisma.member.count({ where: { isActive: true, deletedAt: null } })),
    expected: () => EQUAL,
  },
  {
    id: "memberTotalsByPlan",
    module: "members",
    queryName: "memberTotalsByPlan",
    description:
      "GROUP BY plan: COUNT (BIGINT text) vs _count, SUM(DECIMAL) '1520.50' vs Decimal, AVG of DOUBLE and of " +
      "FLOAT, MAX(DATETIME(6)) and MIN(DATE) as Dates on both sides.",
    plantedBug: null,
    spec: { key: ["plan"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(
        legacy,
        `SELECT plan, COUNT(*) AS members, SUM(credit) AS credit, AVG(score) AS avg_score, AVG(ratio) AS avg_ratio,
                MAX(joined_at) AS last_joined_at, MIN(born_on) AS first_born_on
           FROM members GROUP BY plan ORDER BY plan`,
      ),
    ),
    orm: orm(async ({ prisma }) =>
      (
        await prisma.member.groupBy({
          by: ["plan"],
          _count: { _all: true },
          _sum: { credit: true },
          _avg: { score: true, ratio: true },
          _max: { joinedAt: true },
          _min: { bornOn: true },
          orderBy: { plan: "asc" },
        })
      ).map((g) => ({
        plan: g.plan,
        members: g._count._all,
        credit: g._sum.credit,
        avgScore: g._avg.score,
        avgRatio: g._avg.ratio,
        lastJoinedAt: g._max.joinedAt,
        firstBornOn: g._min.bornOn,
      })),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listInvoicesForMember",
    module: "billing",
    queryName: "listInvoicesForMember",
    description:
      "A member's invoices, newest first: BIGINT ids above 2^53 (strings on both sides), DECIMAL '99.90' vs " +
      "'99.9', FLOAT tax 0.19 vs 0.1899999976158142, TINYINT(1) paid, DATETIME(3) and DATE as Dates, JSON lines.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT * FROM invoices WHERE member_id = ? ORDER BY issued_at DESC, id DESC", [1]),
    ),
    orm: orm(({ prisma }) =>
      prisma.invoice.findMany({ where: { memberId: 1 }, orderBy: [{ issuedAt: "desc" }, { id: "desc" }] }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listInvoiceDueDates__text_pool",
    module: "billing",
    queryName: "listInvoiceDueDates",
    description: "DATE and DATETIME(3) left as MariaDB text ('2025-02-14', '2025-01-15 09:30:00.120') vs ISO instants.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacyText }) =>
      rows(legacyText, "SELECT id, number, issued_at, due_on FROM invoices ORDER BY id"),
    ),
    orm: orm(({ prisma }) =>
      prisma.invoice.findMany({ select: { id: true, number: true, issuedAt: true, dueOn: true }, orderBy: { id: "asc" } }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listInvoicesWithMember",
    module: "billing",
    queryName: "listInvoicesWithMember",
    description:
      "Invoices with their member: a JOIN with flat member_* columns vs include of the relation; the backend " +
      "maps the flat columns onto the nested ones with dotted rename targets.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, rename: FLAT_MEMBER_RENAME },
    legacy: sql(({ legacy }) => rows(legacy, FLAT_MEMBER_SQL)),
    orm: orm(({ prisma }) =>
      prisma.invoice.findMany({
        select: {
          id: true, number: true, status: true, amount: true,
          member: { select: { displayName: true, email: true, plan: true } },
        },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listMembersWithReferrer",
    module: "members",
    queryName: "listMembersWithReferrer",
    description:
      "A LEFT JOIN of the self-relation (flat referrer_* columns, NULL where there is no referrer) vs the " +
      "referrer relation (null where there is none), mapped by dotted rename targets.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, rename: { referrer_display_name: "referrer.displayName", referrer_email: "referrer.email" } },
    legacy: sql(({ legacy }) =>
      rows(
        legacy,
        `SELECT m.id, m.display_name, r.display_name AS referrer_display_name, r.email AS referrer_email
           FROM members m LEFT JOIN members r ON r.id = m.referrer_id
          WHERE m.deleted_at IS NULL ORDER BY m.id`,
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({
        where: { deletedAt: null },
        select: { id: true, displayName: true, referrer: { select: { displayName: true, email: true } } },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "getMemberWithInvoices",
    module: "billing",
    queryName: "getMemberWithInvoices",
    description:
      "A member with a JSON_ARRAYAGG of its invoices, which mysql2 parses (DECIMAL as JSON numbers, FLOAT " +
      "0.19, '2025-01-15 09:30:00.120' text, DATE text, 0/1) vs include (Decimal strings, float32 " +
      "0.1899999976158142, ISO instants, booleans); nested rows pair by their BIGINT ids sent as text.",
    plantedBug: null,
    spec: null,
    legacy: sql(memberWithInvoicesLegacy("", 1)),
    orm: orm(({ prisma }) =>
      prisma.member.findUnique({
        where: { id: 1 },
        select: { id: true, displayName: true, credit: true, invoices: { select: INVOICE_SELECT } },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "getMemberWithInvoices__ordered",
    module: "billing",
    queryName: "getMemberWithInvoices",
    description: "The same, for a product page that shows invoices in issue order: spec ordered ['', 'invoices'].",
    plantedBug: null,
    spec: { ordered: ["", "invoices"] },
    legacy: sql(memberWithInvoicesLegacy("", 1)),
    orm: orm(({ prisma }) =>
      prisma.member.findUnique({
        where: { id: 1 },
        select: {
          id: true, displayName: true, credit: true,
          invoices: { select: INVOICE_SELECT, orderBy: [{ issuedAt: "asc" }, { id: "asc" }] },
        },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listMemberFlags",
    module: "members",
    queryName: "listMemberFlags",
    description: "The SET column: mysql2 sends 'beta,staff,legacy_ui' (and '' for none); Prisma's $queryRaw an array.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, flags FROM members ORDER BY id")),
    orm: orm(({ prisma }) => prisma.$queryRaw`SELECT id, flags FROM members ORDER BY id`),
    expected: () => EQUAL,
  },
  {
    id: "listMemberSwitches__raw",
    module: "members",
    queryName: "listMemberSwitches",
    description:
      "The port reads TINYINT(1), BIT(1) and BIGINT through $queryRaw: 0/1 on both sides, BIT as Buffer JSON " +
      "vs a Uint8Array's {\"0\": 1}, BIGINT as string vs BigInt through the replacer.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, is_active, is_staff, karma FROM members ORDER BY id")),
    orm: orm(({ prisma }) => prisma.$queryRaw`SELECT id, is_active, is_staff, karma FROM members ORDER BY id`),
    expected: () => EQUAL,
  },
  {
    id: "listQuietHours",
    module: "members",
    queryName: "listQuietHours",
    description: "TIME columns: '22:00:00', '00:00:00', '23:59:59' vs Prisma's 1970-01-01 instants.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT id, quiet_from FROM members WHERE quiet_from IS NOT NULL ORDER BY id"),
    ),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({
        where: { quietFrom: { not: null } },
        select: { id: true, quietFrom: true },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listRecentLogins",
    module: "members",
    queryName: "listRecentLogins",
    description: "Members who logged in at or after an instant (TIMESTAMP(3)); one logged in at exactly that instant.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT id, last_login FROM members WHERE last_login >= ? ORDER BY last_login, id", [RECENT_SINCE]),
    ),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({
        where: { lastLogin: { gte: new Date(`${RECENT_SINCE.replace(" ", "T")}Z`) } },
        select: { id: true, lastLogin: true },
        orderBy: [{ lastLogin: "asc" }, { id: "asc" }],
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listMemberKarma",
    module: "members",
    queryName: "listMemberKarma",
    description: "BIGINT karma: strings from the legacy pool vs numbers (or a string above 2^53) from the port's replacer.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, karma FROM members ORDER BY karma DESC, id")),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({ select: { id: true, karma: true }, orderBy: [{ karma: "desc" }, { id: "asc" }] }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listGaugeReadings__binary_protocol",
    module: "gauges",
    queryName: "listGaugeReadings",
    description: "FLOAT and DOUBLE read by mysql2's execute() (binary protocol, the float32 itself) vs Prisma.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(async ({ legacy }) => (await legacy.execute("SELECT * FROM gauges ORDER BY id"))[0]),
    orm: orm(({ prisma }) => prisma.gauge.findMany({ orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },
  {
    id: "listGaugeReadings__text_protocol",
    module: "gauges",
    queryName: "listGaugeReadings",
    description:
      "FLOAT read by mysql2's query(): MariaDB's text protocol prints a FLOAT with six significant digits " +
      "(0.1234567 -> 0.123457, 3.40282e38) while Prisma gets the float32 (0.12345670163631439). Same " +
      "data; the short text is not the shortest decimal of the float32. The gauge printed as an integer " +
      "is the next case.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT * FROM gauges WHERE id <> ? ORDER BY id", [INTEGRAL_PRINT_GAUGE]),
    ),
    orm: orm(({ prisma }) =>
      prisma.gauge.findMany({ where: { id: { not: INTEGRAL_PRINT_GAUGE } }, orderBy: { id: "asc" } }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listGaugeReadings__text_protocol_integral",
    module: "gauges",
    queryName: "listGaugeReadings",
    description:
      "The same query's gauge whose FLOAT prints as an integer: 16777217 is stored as the float32 16777216, " +
      "which MariaDB's text protocol prints with six digits as 16777200; mysql2 reads a JS number that JSON " +
      "writes as an integer, as it writes Prisma's 16777216. Same data, two JSON integers.",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT * FROM gauges WHERE id = ? ORDER BY id", [INTEGRAL_PRINT_GAUGE]),
    ),
    orm: orm(({ prisma }) =>
      prisma.gauge.findMany({ where: { id: INTEGRAL_PRINT_GAUGE }, orderBy: { id: "asc" } }),
    ),
    expected: () => EQUAL,
  },

  {
    id: "listInvoices__raw",
    module: "billing",
    queryName: "listInvoices",
    description:
      "The port reads invoices through $queryRaw: DECIMAL as Decimal, FLOAT as the float32, TINYINT(1) as " +
      "0/1 on both sides, DATETIME/DATE as Dates, BIGINT ids as BigInt, JSON parsed.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT * FROM invoices ORDER BY issued_at, id")),
    orm: orm(({ prisma }) => prisma.$queryRaw`SELECT * FROM invoices ORDER BY issued_at, id`),
    expected: () => EQUAL,
  },
  {
    id: "listMemberBalances",
    module: "billing",
    queryName: "listMemberBalances",
    description:
      "Each member's invoiced and open amounts: a LEFT JOIN with SUM (DECIMAL text; NULL for a member " +
      "without invoices, 0.00 from SUM(CASE ... ELSE 0)) vs include of the invoices summed in JS with " +
      "Prisma.Decimal; COUNT as BIGINT text vs a length.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(
        legacy,
        `SELECT m.id, m.display_name, SUM(i.amount) AS invoiced,
                SUM(CASE WHEN i.paid = 0 AND i.status <> 'void' THEN i.amount ELSE 0 END) AS open_amount,
                COUNT(i.id) AS invoices
           FROM members m LEFT JOIN invoices i ON i.member_id = m.id
          WHERE m.deleted_at IS NULL GROUP BY m.id, m.display_name ORDER BY m.id`,
      ),
    ),
    orm: orm(async ({ prisma }) =>
      (
        await prisma.member.findMany({
          where: { deletedAt: null },
          select: { id: true, displayName: true, invoices: { select: { amount: true, paid: true, status: true } } },
          orderBy: { id: "asc" },
        })
      ).map(({ invoices, ...m }) => ({
        ...m,
        invoiced: invoices.length === 0 ? null : invoices.reduce((sum, i) => sum.plus(i.amount), new Prisma.Decimal(0)),
        openAmount: invoices
          .filter((i) => !i.paid && i.status !== "void")
          .reduce((sum, i) => sum.plus(i.amount), new Prisma.Decimal(0)),
        invoices: invoices.length,
      })),
    ),
    expected: () => EQUAL,
  },

  // ---------------------------------------------------------------- planted bugs
  {
    id: "listMembers__forgotten_filter",
    module: "members",
    queryName: "listMembers",
    description: "Every member not soft-deleted, all columns, ordered by id.",
    plantedBug: "The Prisma port forgot the soft-delete filter (deletedAt: null): deleted members come back.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT * FROM members WHERE deleted_at IS NULL ORDER BY id")),
    orm: orm(({ prisma }) => membersWithFlags(prisma, {})),
    expected: () =>
      differs(MEMBERS.filter((m) => m.deletedAt !== null).map((m) => ({ field: ROW, kind: "extra_row", path: row("id", m.id) }))),
  },
  {
    id: "listMembers__text_pool_undeclared_json",
    module: "members",
    queryName: "listMembers",
    description: "listMembers__text_pool without the json declaration for settings.",
    plantedBug:
      "The backend does not declare settings as json: the JSON scalar '\"compact\"' (text) against 'compact' " +
      "stays a difference (JSON objects and arrays in text are still read).",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacyText }) => rows(legacyText, "SELECT * FROM members WHERE deleted_at IS NULL ORDER BY id")),
    orm: orm(({ prisma }) => membersWithFlags(prisma, { deletedAt: null })),
    expected: () =>
      differs(
        live.filter((m) => typeof m.settings === "string").map((m) => changed("settings", at(row("id", m.id), "settings"))),
      ),
  },
  {
    id: "getMemberById__flags_forgotten",
    module: "members",
    queryName: "getMemberById",
    description: "One member, all columns.",
    plantedBug: "The port returns findUnique as it is: the SET column (Unsupported in the model) is missing.",
    spec: null,
    legacy: sql(async ({ legacy }) => (await rows(legacy, "SELECT * FROM members WHERE id = ?", [1]))[0] ?? null),
    orm: orm(({ prisma }) => prisma.member.findUnique({ where: { id: 1 } })),
    expected: () => differs([{ field: "flags", kind: "missing", path: "flags" }]),
  },
  {
    id: "listInvoicesForMember__wrong_order",
    module: "billing",
    queryName: "listInvoicesForMember",
    description: "A member's invoices, newest first.",
    plantedBug: "The port orders by issuedAt ascending; the spec says order matters.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT * FROM invoices WHERE member_id = ? ORDER BY issued_at DESC, id DESC", [1]),
    ),
    orm: orm(({ prisma }) =>
      prisma.invoice.findMany({ where: { memberId: 1 }, orderBy: [{ issuedAt: "asc" }, { id: "asc" }] }),
    ),
    expected: () => {
      const mine = INVOICES.filter((i) => i.memberId === 1);
      const asc = [...mine].sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : byId(a, b)));
      const desc = [...asc].reverse();
      const moved = firstMoved(desc.map((i) => i.id), asc.map((i) => i.id));
      return differs([{ field: ORDER, kind: "order", path: row("id", moved) }]);
    },
  },
  {
    id: "listMemberRatios__wrong_column",
    module: "members",
    queryName: "listMemberRatios",
    description: "Each member's ratio (FLOAT).",
    plantedBug: "The port's DTO fills ratio from the score column (DOUBLE).",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, ratio FROM members WHERE deleted_at IS NULL ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ where: { deletedAt: null }, select: { id: true, score: true }, orderBy: { id: "asc" } })).map(
        (m) => ({ id: m.id, ratio: m.score }),
      ),
    ),
    expected: () =>
      differs(
        live
          .filter((m) => (m.ratio === null ? null : Math.fround(m.ratio)) !== m.score)
          .map((m) => changed("ratio", at(row("id", m.id), "ratio"))),
      ),
  },
  {
    id: "listInvoiceDeadlines__off_by_one",
    module: "billing",
    queryName: "listInvoiceDeadlines",
    description: "The last instant an invoice can be paid: the end of its due date.",
    plantedBug:
      "SQL says TIMESTAMP(due_on, '23:59:59'); the port adds a day and subtracts one millisecond " +
      "(23:59:59.999): every deadline is off by 999 ms.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, TIMESTAMP(due_on, '23:59:59') AS pay_by FROM invoices ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.invoice.findMany({ select: { id: true, dueOn: true }, orderBy: { id: "asc" } })).map((i) => ({
        id: i.id,
        payBy: new Date(i.dueOn.getTime() + 86_400_000 - 1),
      })),
    ),
    expected: () => differs([...INVOICES].sort(byId).map((i) => changed("pay_by", at(row("id", i.id), "pay_by")))),
  },
  {
    id: "listMemberLogins__lost_fraction",
    module: "members",
    queryName: "listMemberLogins",
    description: "Each member's last login (TIMESTAMP(3)).",
    plantedBug:
      "The port caches last logins as Unix seconds and rebuilds the Date from them: the milliseconds are lost " +
      "(both sides still print three fraction digits).",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, last_login FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, lastLogin: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        lastLogin: m.lastLogin === null ? null : new Date(Math.floor(m.lastLogin.getTime() / 1000) * 1000),
      })),
    ),
    expected: () =>
      differs(
        MEMBERS.filter((m) => m.lastLogin !== null && millisOf(m.lastLogin) !== 0).map((m) =>
          changed("last_login", at(row("id", m.id), "last_login")),
        ),
      ),
  },
  {
    id: "listInvoiceTimes__timezone_shift",
    module: "billing",
    queryName: "listInvoiceTimes",
    description: "When each invoice was issued (DATETIME(3), stored in UTC).",
    plantedBug:
      "The legacy pool was configured with timezone '+01:00', so mysql2 reads every DATETIME an hour early; " +
      "Prisma reads them as UTC.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacyPlusOne }) => rows(legacyPlusOne, "SELECT id, issued_at FROM invoices ORDER BY id")),
    orm: orm(({ prisma }) => prisma.invoice.findMany({ select: { id: true, issuedAt: true }, orderBy: { id: "asc" } })),
    expected: () => differs([...INVOICES].sort(byId).map((i) => changed("issued_at", at(row("id", i.id), "issued_at")))),
  },
  {
    id: "listOutstandingInvoices__inverted",
    module: "billing",
    queryName: "listOutstandingInvoices",
    description: "Invoices with an outstanding flag (paid = 0 in SQL, 1/0).",
    plantedBug: "The port sends outstanding: invoice.paid, forgetting the negation: every flag is inverted.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, number, paid = 0 AS outstanding FROM invoices ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.invoice.findMany({ select: { id: true, number: true, paid: true }, orderBy: { id: "asc" } })).map(
        (i) => ({ id: i.id, number: i.number, outstanding: i.paid }),
      ),
    ),
    expected: () => differs([...INVOICES].sort(byId).map((i) => changed("outstanding", at(row("id", i.id), "outstanding")))),
  },
  {
    id: "listRecentLogins__gt_instead_of_gte",
    module: "members",
    queryName: "listRecentLogins",
    description: "Members who logged in at or after an instant.",
    plantedBug: "The port filters with gt where SQL said >=: the member who logged in at exactly that instant is missing.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(legacy, "SELECT id, last_login FROM members WHERE last_login >= ? ORDER BY last_login, id", [RECENT_SINCE]),
    ),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({
        where: { lastLogin: { gt: new Date(`${RECENT_SINCE.replace(" ", "T")}Z`) } },
        select: { id: true, lastLogin: true },
        orderBy: [{ lastLogin: "asc" }, { id: "asc" }],
      }),
    ),
    expected: () =>
      differs(MEMBERS.filter((m) => m.lastLogin === RECENT_SINCE).map((m) => ({ field: ROW, kind: "missing_row", path: row("id", m.id) }))),
  },
  {
    id: "listMemberScores__null_as_zero",
    module: "members",
    queryName: "listMemberScores",
    description: "Each member's score (DOUBLE, nullable).",
    plantedBug: "The port sends score ?? 0: a member without a score gets 0.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, score FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, score: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        score: m.score ?? 0,
      })),
    ),
    expected: () => differs(MEMBERS.filter((m) => m.score === null).map((m) => changed("score", at(row("id", m.id), "score")))),
  },
  {
    id: "getMemberBio__truncated",
    module: "members",
    queryName: "getMemberBio",
    description: "Each member's bio (TEXT).",
    plantedBug: "The port's DTO cuts the bio to 255 characters (the VARCHAR it was once).",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, bio FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, bio: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        bio: m.bio === null ? null : m.bio.slice(0, 255),
      })),
    ),
    expected: () =>
      differs(MEMBERS.filter((m) => m.bio !== null && m.bio.length > 255).map((m) => changed("bio", at(row("id", m.id), "bio")))),
  },
  {
    id: "listMembers__enum_upper_case",
    module: "members",
    queryName: "listMemberPlans",
    description: "Each member's plan (ENUM).",
    plantedBug: "The port upper-cases the enum as its GraphQL schema does (PRO vs pro).",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, plan FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, plan: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        plan: m.plan.toUpperCase(),
      })),
    ),
    expected: () => differs(MEMBERS.map((m) => changed("plan", at(row("id", m.id), "plan")))),
  },
  {
    id: "listMemberKarma__number_replacer",
    module: "members",
    queryName: "listMemberKarma",
    description: "BIGINT karma, highest first.",
    plantedBug: "The port's Express app sends BigInt through Number(): karma above 2^53 is rounded.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, karma FROM members ORDER BY karma DESC, id")),
    orm: {
      read: ({ prisma }) =>
        prisma.member.findMany({ select: { id: true, karma: true }, orderBy: [{ karma: "desc" }, { id: "asc" }] }),
      replacer: bigintAsNumber,
    },
    expected: () =>
      differs(
        MEMBERS.filter((m) => !Number.isSafeInteger(Number(m.karma))).map((m) => changed("karma", at(row("id", m.id), "karma"))),
      ),
  },
  {
    id: "listMemberKarma__legacy_default_pool",
    module: "members",
    queryName: "listMemberKarma",
    description: "BIGINT karma, highest first.",
    plantedBug:
      "On the legacy side: a pool with mysql2's defaults (no supportBigNumbers) reads BIGINT as a JS number, " +
      "rounded above 2^53; Prisma's BigInt keeps the digits.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacyDefault }) => rows(legacyDefault, "SELECT id, karma FROM members ORDER BY karma DESC, id")),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({ select: { id: true, karma: true }, orderBy: [{ karma: "desc" }, { id: "asc" }] }),
    ),
    expected: () =>
      differs(
        MEMBERS.filter((m) => !Number.isSafeInteger(Number(m.karma))).map((m) => changed("karma", at(row("id", m.id), "karma"))),
      ),
  },
  {
    id: "listInvoicesWithMember__undeclared_rename",
    module: "billing",
    queryName: "listInvoicesWithMember",
    description: "Invoices with their member: flat JOIN columns vs the included relation.",
    plantedBug: "The backend sends no rename: the flat columns and the nested relation are different fields.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, FLAT_MEMBER_SQL)),
    orm: orm(({ prisma }) =>
      prisma.invoice.findMany({
        select: {
          id: true, number: true, status: true, amount: true,
          member: { select: { displayName: true, email: true, plan: true } },
        },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () =>
      differs(
        [...INVOICES].sort(byId).flatMap((i): ExpectedDifference[] => [
          ...Object.keys(FLAT_MEMBER_RENAME).map((f) => ({ field: f, kind: "missing", path: at(row("id", i.id), f) })),
          { field: "member", kind: "missing", path: at(row("id", i.id), "member") },
        ]),
      ),
  },
  {
    id: "listInvoicesWithMember__wrong_column_in_relation",
    module: "billing",
    queryName: "listInvoicesWithMember",
    description: "Invoices with their member, flat JOIN columns mapped onto the relation by dotted renames.",
    plantedBug: "The port's mapper fills member.displayName from the member's email.",
    spec: { key: ["id"], ordered: true, rename: FLAT_MEMBER_RENAME },
    legacy: sql(({ legacy }) => rows(legacy, FLAT_MEMBER_SQL)),
    orm: orm(async ({ prisma }) =>
      (
        await prisma.invoice.findMany({
          select: {
            id: true, number: true, status: true, amount: true,
            member: { select: { displayName: true, email: true, plan: true } },
          },
          orderBy: { id: "asc" },
        })
      ).map((i) => ({ ...i, member: { ...i.member, displayName: i.member.email } })),
    ),
    expected: () =>
      differs(
        [...INVOICES]
          .sort(byId)
          .filter((i) => memberOf(i.memberId).displayName !== memberOf(i.memberId).email)
          .map((i) => changed("member_display_name", at(row("id", i.id), "member_display_name"))),
      ),
  },
  {
    id: "getMemberWithInvoices__lost_filter",
    module: "billing",
    queryName: "getMemberWithInvoices",
    description: "A member with its invoices that are not void.",
    plantedBug: "The port's include lost its where (status not void): the void invoice comes back nested.",
    spec: null,
    legacy: sql(memberWithInvoicesLegacy("AND i.status <> 'void'", 3)),
    orm: orm(({ prisma }) =>
      prisma.member.findUnique({
        where: { id: 3 },
        select: { id: true, displayName: true, credit: true, invoices: { select: INVOICE_SELECT } },
      }),
    ),
    expected: () =>
      differs(
        INVOICES.filter((i) => i.memberId === 3 && i.status === "void").map((i) => ({
          field: "invoices",
          kind: "extra_row",
          path: `invoices${row("id", i.id)}`,
        })),
      ),
  },
  {
    id: "getMemberWithInvoices__nested_order",
    module: "billing",
    queryName: "getMemberWithInvoices",
    description: "A member with its invoices in issue order, for a page that shows them so: ordered ['', 'invoices'].",
    plantedBug: "The port's include orders the invoices by id descending.",
    spec: { ordered: ["", "invoices"] },
    legacy: sql(memberWithInvoicesLegacy("", 1)),
    orm: orm(({ prisma }) =>
      prisma.member.findUnique({
        where: { id: 1 },
        select: { id: true, displayName: true, credit: true, invoices: { select: INVOICE_SELECT, orderBy: { id: "desc" } } },
      }),
    ),
    expected: () => {
      // Like the top-level __order__: the first element, in legacy order, whose place moved.
      const mine = INVOICES.filter((i) => i.memberId === 1);
      const byIssue = [...mine].sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : byId(a, b)));
      const byIdDesc = [...mine].sort(byId).reverse();
      const moved = firstMoved(byIssue.map((i) => i.id), byIdDesc.map((i) => i.id));
      return differs([{ field: "invoices", kind: "order", path: `invoices${row("id", moved)}` }]);
    },
  },
  {
    id: "listInvoiceAmounts__rounded",
    module: "billing",
    queryName: "listInvoiceAmounts",
    description: "Each invoice's amount (DECIMAL(10,2)).",
    plantedBug: "The port sends Number(amount).toFixed(0): the cents are lost.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, amount FROM invoices ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.invoice.findMany({ select: { id: true, amount: true }, orderBy: { id: "asc" } })).map((i) => ({
        id: i.id,
        amount: Number(i.amount).toFixed(0),
      })),
    ),
    expected: () =>
      differs([...INVOICES].sort(byId).filter((i) => !i.amount.endsWith(".00")).map((i) => changed("amount", at(row("id", i.id), "amount")))),
  },
  {
    id: "listNewsletterSubscriptions__tinyint_two",
    module: "members",
    queryName: "listNewsletterSubscriptions",
    description: "Every newsletter subscription (TINYINT(1) opted_in, BIT(1) confirmed).",
    plantedBug:
      "Data, not code: a legacy import wrote 2 into the TINYINT(1) opted_in. mysql2 sends 2 (truthy, as SQL's " +
      "WHERE opted_in reads it); Prisma 7 reads it as false. 2 is no boolean spelling, so it stays a difference.",
    spec: { key: ["member_id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT * FROM newsletter_subscriptions ORDER BY member_id")),
    orm: orm(({ prisma }) => prisma.newsletterSubscription.findMany({ orderBy: { memberId: "asc" } })),
    expected: () =>
      differs(
        SUBSCRIPTIONS.filter((s) => s.optedIn === 2).map((s) => ({
          field: "opted_in",
          kind: "type",
          path: at(row("member_id", s.memberId), "opted_in"),
        })),
      ),
  },
  {
    id: "listNewsletterRecipients__tinyint_two",
    module: "members",
    queryName: "listNewsletterRecipients",
    description: "Members to mail: WHERE opted_in in SQL (any non-zero value) vs where: { optedIn: true }.",
    plantedBug:
      "The member whose TINYINT(1) holds 2 is a recipient for SQL's truthiness and not for Prisma (opted_in = 1): " +
      "a missing row.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      rows(
        legacy,
        `SELECT m.id, m.email FROM members m JOIN newsletter_subscriptions s ON s.member_id = m.id
          WHERE s.opted_in ORDER BY m.id`,
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.member.findMany({
        where: { newsletter: { optedIn: true } },
        select: { id: true, email: true },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () =>
      differs(
        SUBSCRIPTIONS.filter((s) => s.optedIn === 2).map((s) => ({
          field: ROW,
          kind: "missing_row",
          path: row("id", s.memberId),
        })),
      ),
  },
  {
    id: "listJoinTimes__instant_for_time_of_day",
    module: "members",
    queryName: "listJoinTimes",
    description: "The time of day each member joined: TIME(joined_at) in SQL ('09:15:27.123456').",
    plantedBug:
      "The port sends joinedAt itself, a full instant on the join date: a time of day equals only an instant " +
      "on a placeholder date (1970-01-01, 2000-01-01), so every row differs.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, TIME(joined_at) AS joined_time FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, joinedAt: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        joinedTime: m.joinedAt,
      })),
    ),
    expected: () =>
      differs(
        MEMBERS.filter((m) => !m.joinedAt.startsWith("1970-01-01") && !m.joinedAt.startsWith("2000-01-01")).map((m) =>
          changed("joined_time", at(row("id", m.id), "joined_time")),
        ),
      ),
  },
  {
    id: "listAvatars__truncated_bytes",
    module: "members",
    queryName: "listAvatars",
    description: "Each member's avatar (BLOB): Buffer JSON on the legacy side, a Uint8Array's index object on the ORM side.",
    plantedBug: "The port's image helper drops the last byte of every avatar (an off-by-one subarray).",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, avatar FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.member.findMany({ select: { id: true, avatar: true }, orderBy: { id: "asc" } })).map((m) => ({
        id: m.id,
        avatar: m.avatar === null ? null : m.avatar.subarray(0, Math.max(0, m.avatar.length - 1)),
      })),
    ),
    expected: () =>
      differs(
        MEMBERS.filter((m) => m.avatar !== null && m.avatar.length > 0).map((m) => changed("avatar", at(row("id", m.id), "avatar"))),
      ),
  },
  {
    id: "listMemberFlags__unknown_flag_dropped",
    module: "members",
    queryName: "listMemberFlags",
    description: "Each member's flags (SET), read by the port through $queryRaw.",
    plantedBug:
      "The port keeps only the flags its TypeScript union knows (beta, internal, staff): legacy_ui is dropped.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => rows(legacy, "SELECT id, flags FROM members ORDER BY id")),
    orm: orm(async ({ prisma }) => {
      const known = new Set(["beta", "internal", "staff"]);
      const found = await prisma.$queryRaw<{ id: number; flags: string[] }[]>`SELECT id, flags FROM members ORDER BY id`;
      return found.map((m) => ({ id: m.id, flags: m.flags.filter((f) => known.has(f)) }));
    }),
    expected: () =>
      differs(MEMBERS.filter((m) => m.flags.includes("legacy_ui")).map((m) => changed("flags", at(row("id", m.id), "flags")))),
  },
];
