// Rows for the membership schema in prisma/schema.sql, chosen where mysql2 and Prisma disagree in
// representation: DECIMAL trailing zeros and values below 1e-7 (decimal.js prints "5e-8"), BIGINT above
// 2^53, FLOAT values that are not float32-exact (0.7 reads back as 0.699999988079071), DATETIME(6)
// microseconds, DATE around the epoch and leap days, TIME, JSON objects, arrays and a JSON scalar, BLOB and
// BINARY(16) uuids, BIT(1), ENUM and SET (empty too), NULLs, and a self-relation.
import type { Pool } from "mysql2/promise";

export type MemberSeed = {
  id: number;
  publicId: string;
  email: string;
  displayName: string;
  bio: string | null;
  isActive: boolean;
  isStaff: boolean;
  plan: "free" | "pro" | "enterprise";
  flags: string[];
  credit: string;
  feeRate: string | null;
  karma: string;
  ratio: number | null;
  score: number | null;
  bornOn: string | null;
  joinedAt: string;
  lastLogin: string | null;
  quietFrom: string | null;
  settings: unknown;
  avatar: Buffer | null;
  referrerId: number | null;
  deletedAt: string | null;
};

export type InvoiceSeed = {
  id: string;
  memberId: number;
  number: string;
  status: "draft" | "open" | "paid" | "void";
  amount: string;
  taxRate: number;
  paid: boolean;
  issuedAt: string;
  dueOn: string;
  lineItems: { sku: string; qty: number; price: string }[];
  note: string | null;
};

const gif = (seed: number): Buffer => Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, seed, 0x00, 0xff, 0x0a]);

/** The "since" of the recent-logins query: member 3 logged in at exactly this instant. */
export const RECENT_SINCE = "2025-03-30 01:30:00.250";

export const MEMBERS: MemberSeed[] = [
  {
    id: 1,
    publicId: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    email: "ada@example.com",
    displayName: "Ada Lovelace",
    bio: "Analyst of the Analytical Engine.",
    isActive: true,
    isStaff: true,
    plan: "pro",
    flags: ["beta", "internal"],
    credit: "1520.50",
    feeRate: "0.0000000500",
    karma: "9007199254740993",
    ratio: 0.7,
    score: 4.25,
    bornOn: "1990-05-17",
    joinedAt: "2021-03-01 09:15:27.123456",
    lastLogin: "2025-06-30 22:45:10.500",
    quietFrom: "22:00:00",
    settings: { theme: "dark", notify: { email: true, digest: "weekly" }, zip: "02139" },
    avatar: gif(1),
    referrerId: null,
    deletedAt: null,
  },
  {
    id: 2,
    publicId: "9b2d6c1e-8a4f-4e3b-b5d2-7c9e0f1a2b3c",
    email: "grace@example.com",
    displayName: "Grace Hopper",
    bio: null,
    isActive: true,
    isStaff: false,
    plan: "free",
    flags: [],
    credit: "0.00",
    feeRate: null,
    karma: "0",
    ratio: null,
    score: null,
    bornOn: null,
    joinedAt: "2022-11-05 00:00:00.000000",
    lastLogin: null,
    quietFrom: null,
    settings: null,
    avatar: null,
    referrerId: 1,
    deletedAt: null,
  },
  {
    id: 3,
    publicId: "00000000-0000-4000-8000-00000000000a",
    email: "linus@example.com",
    displayName: "Linus Torvalds",
    bio: "",
    isActive: false,
    isStaff: false,
    plan: "enterprise",
    flags: ["beta", "staff", "legacy_ui"],
    credit: "250.00",
    feeRate: "0.0125000000",
    karma: "42",
    ratio: 0.1,
    score: 0.30000000000000004,
    bornOn: "1969-12-28",
    joinedAt: "2024-02-29 23:59:59.999999",
    lastLogin: RECENT_SINCE,
    quietFrom: "07:30:15",
    settings: { theme: "light", tags: [], shortcuts: { save: "ctrl+s" } },
    avatar: gif(3),
    referrerId: 1,
    deletedAt: null,
  },
  {
    id: 4,
    publicId: "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    email: "margaret@example.com",
    displayName: "Margaret Hamilton",
    bio: "Apollo guidance software.",
    isActive: true,
    isStaff: true,
    plan: "pro",
    flags: ["internal"],
    credit: "99999.99",
    feeRate: "0.0000000001",
    karma: "-5",
    ratio: 1.5,
    score: 1e-7,
    bornOn: "2000-02-29",
    joinedAt: "2023-07-14 12:00:00.500000",
    lastLogin: "2025-01-01 00:00:00.000",
    quietFrom: "00:00:00",
    settings: "compact",
    avatar: Buffer.from([]),
    referrerId: 3,
    deletedAt: null,
  },
  {
    id: 5,
    publicId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    email: "katherine@example.com",
    displayName: "Katherine Johnson",
    bio: "Orbital mechanics.",
    isActive: true,
    isStaff: false,
    plan: "free",
    flags: ["beta"],
    credit: "12.30",
    feeRate: "1.0000000000",
    karma: "7",
    ratio: 2.2,
    score: 98.6,
    bornOn: "1918-08-26",
    joinedAt: "2020-01-01 00:00:00.000001",
    lastLogin: "2025-03-30 01:30:00.249",
    quietFrom: "23:59:59",
    settings: { theme: "dark" },
    avatar: gif(5),
    referrerId: null,
    deletedAt: "2025-05-01 10:00:00.000",
  },
  {
    id: 6,
    publicId: "c9bf9e57-1685-4c89-bafb-ff5af830be8a",
    email: "tim@example.com",
    displayName: "Tim Berners-Lee ✓",
    bio: `Inventor of the World Wide Web. ${"Hypertext, URLs, HTTP and HTML; ".repeat(12)}And the first browser.`,
    isActive: true,
    isStaff: false,
    plan: "enterprise",
    flags: ["legacy_ui"],
    credit: "-3.75",
    feeRate: "0.0000001000",
    karma: "1234567890123",
    ratio: 0.333333,
    score: -0.5,
    bornOn: "1955-06-08",
    joinedAt: "2025-06-30 23:30:00.000000",
    lastLogin: "2025-08-01 12:00:00.001",
    quietFrom: "12:00:00",
    settings: [1, "two", { three: 3 }],
    avatar: gif(6),
    referrerId: 3,
    deletedAt: null,
  },
];

/** Invoice ids start above 2^53: any path that squeezes a BIGINT through a JS number shows up. */
const INVOICE_ID_BASE = 9007199254741000n;
const invoiceId = (n: number): string => String(INVOICE_ID_BASE + BigInt(n));

export const INVOICES: InvoiceSeed[] = [
  {
    id: invoiceId(1), memberId: 1, number: "INV-0001", status: "paid", amount: "99.90", taxRate: 0.19, paid: true,
    issuedAt: "2025-01-15 09:30:00.120", dueOn: "2025-02-14",
    lineItems: [{ sku: "PRO-M", qty: 1, price: "89.90" }, { sku: "ADDON", qty: 2, price: "5.00" }], note: null,
  },
  {
    id: invoiceId(2), memberId: 1, number: "INV-0002", status: "open", amount: "1200.00", taxRate: 0.07, paid: false,
    issuedAt: "2025-02-15 09:30:00.000", dueOn: "2025-03-17",
    lineItems: [{ sku: "PRO-Y", qty: 1, price: "1200.00" }], note: "annual plan",
  },
  {
    id: invoiceId(3), memberId: 1, number: "INV-0003", status: "draft", amount: "0.01", taxRate: 0, paid: false,
    issuedAt: "2025-06-30 23:59:59.999", dueOn: "2025-07-30", lineItems: [], note: "",
  },
  {
    id: invoiceId(4), memberId: 3, number: "INV-0004", status: "paid", amount: "5000.00", taxRate: 0.2, paid: true,
    issuedAt: "2024-12-31 23:00:00.500", dueOn: "2025-01-30",
    lineItems: [{ sku: "ENT", qty: 10, price: "500.00" }], note: null,
  },
  {
    id: invoiceId(5), memberId: 3, number: "INV-0005", status: "void", amount: "5000.00", taxRate: 0.2, paid: false,
    issuedAt: "2025-03-30 01:30:00.000", dueOn: "2025-04-29",
    lineItems: [{ sku: "ENT", qty: 10, price: "500.00" }], note: "duplicate of INV-0004",
  },
  {
    id: invoiceId(6), memberId: 4, number: "INV-0006", status: "paid", amount: "19.99", taxRate: 0.19, paid: true,
    issuedAt: "2025-05-05 05:05:05.005", dueOn: "2025-06-04",
    lineItems: [{ sku: "PRO-M", qty: 1, price: "19.99" }], note: null,
  },
  {
    id: invoiceId(7), memberId: 6, number: "INV-0007", status: "open", amount: "349.50", taxRate: 0.125, paid: false,
    issuedAt: "2025-07-01 00:00:00.000", dueOn: "2025-07-31",
    lineItems: [{ sku: "ENT-S", qty: 1, price: "349.50" }], note: null,
  },
  {
    id: invoiceId(8), memberId: 1, number: "INV-0008", status: "paid", amount: "89.90", taxRate: 0.19, paid: true,
    issuedAt: "2025-01-15 09:30:00.120", dueOn: "2025-02-14",
    lineItems: [{ sku: "PRO-M", qty: 1, price: "89.90" }], note: "same second as INV-0001",
  },
];

export type GaugeSeed = { id: number; label: string; reading: number; exact: number };

/** FLOAT readings: float32-exact ones, short ones (0.7), and ones that need seven or more digits. */
export const GAUGES: GaugeSeed[] = [
  { id: 1, label: "half", reading: 0.5, exact: 0.5 },
  { id: 2, label: "seven tenths", reading: 0.7, exact: 0.7 },
  { id: 3, label: "seven digits", reading: 0.1234567, exact: 0.1234567 },
  { id: 4, label: "2^24 + 1", reading: 16777217, exact: 16777217 },
  { id: 5, label: "float32 max", reading: 3.4028234663852886e38, exact: 3.4028234663852886e38 },
  { id: 6, label: "tiny", reading: 1e-10, exact: 1e-10 },
];

/** The gauge whose FLOAT the text protocol prints as an integer: 16777217 is stored as the float32 16777216,
 * which MariaDB prints with six digits as 16777200; mysql2 reads a JS number that JSON writes as an integer,
 * like Prisma's 16777216. The text-protocol cases read it apart from the other gauges. */
export const INTEGRAL_PRINT_GAUGE = 4;

/** opted_in as stored: 0/1, and a 2 that a legacy import script wrote into the TINYINT(1). */
export type SubscriptionSeed = { memberId: number; optedIn: 0 | 1 | 2; confirmed: boolean };

export const SUBSCRIPTIONS: SubscriptionSeed[] = [
  { memberId: 1, optedIn: 1, confirmed: true },
  { memberId: 2, optedIn: 0, confirmed: false },
  { memberId: 3, optedIn: 2, confirmed: true },
  { memberId: 4, optedIn: 1, confirmed: false },
  { memberId: 6, optedIn: 0, confirmed: true },
];

const uuidHex = (uuid: string): string => uuid.replaceAll("-", "");

export async function seed(db: Pool): Promise<void> {
  for (const m of MEMBERS) {
    await db.query(
      `INSERT INTO members (id, public_id, email, display_name, bio, is_active, is_staff, plan, flags, credit,
                            fee_rate, karma, ratio, score, born_on, joined_at, last_login, quiet_from, settings,
                            avatar, referrer_id, deleted_at)
       VALUES (?, UNHEX(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        m.id, uuidHex(m.publicId), m.email, m.displayName, m.bio, m.isActive ? 1 : 0, m.isStaff ? 1 : 0, m.plan,
        m.flags.join(","), m.credit, m.feeRate, m.karma, m.ratio, m.score, m.bornOn, m.joinedAt, m.lastLogin,
        m.quietFrom, m.settings === null ? null : JSON.stringify(m.settings), m.avatar, null, m.deletedAt,
      ],
    );
  }
  for (const m of MEMBERS) {
    if (m.referrerId !== null) {
      await db.query("UPDATE members SET referrer_id = ? WHERE id = ?", [m.referrerId, m.id]);
    }
  }
  for (const g of GAUGES) {
    await db.query("INSERT INTO gauges (id, label, reading, exact) VALUES (?, ?, ?, ?)", [g.id, g.label, g.reading, g.exact]);
  }
  for (const s of SUBSCRIPTIONS) {
    await db.query("INSERT INTO newsletter_subscriptions (member_id, opted_in, confirmed) VALUES (?, ?, ?)", [
      s.memberId, s.optedIn, s.confirmed ? 1 : 0,
    ]);
  }
  for (const i of INVOICES) {
    await db.query(
      `INSERT INTO invoices (id, member_id, number, status, amount, tax_rate, paid, issued_at, due_on, line_items, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [i.id, i.memberId, i.number, i.status, i.amount, i.taxRate, i.paid ? 1 : 0, i.issuedAt, i.dueOn,
        JSON.stringify(i.lineItems), i.note],
    );
  }
}
