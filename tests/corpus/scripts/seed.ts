// Realistic rows for the shop schema in prisma/schema.sql. The values are chosen to hit the places where a
// raw SQL driver and Prisma disagree in representation: numeric trailing zeros, int8 beyond 2^53,
// microsecond timestamps, dates, NULLs next to empty strings and empty arrays, nested jsonb, bytea.
import type pg from "pg";

export type NotifyPrefs = { email?: boolean; sms?: boolean; digest?: string };

export type CustomerSeed = {
  id: number;
  externalId: string;
  fullName: string;
  email: string;
  phone: string | null;
  isActive: boolean;
  lifetimeValue: string;
  loyaltyPoints: string;
  rating: number | null;
  tags: string[];
  preferences: { notify?: NotifyPrefs; [key: string]: unknown };
  signupDate: string;
  createdAt: string;
  lastSeenLocal: string | null;
  avatar: Buffer | null;
  deletedAt: string | null;
  referredById: number | null;
};

export type OrderSeed = {
  id: string;
  customerId: number;
  status: "pending" | "paid" | "shipped" | "cancelled" | "refunded";
  total: string;
  discountRate: string | null;
  weightKg: number;
  itemCounts: number[];
  linePrices: string[];
  shipping: Record<string, unknown>;
  placedAt: string;
  deliveredAt: string | null;
  shipBy: string | null;
  trackingCode: string | null;
  giftMessage: string | null;
};

/** Order ids start above 2^53 so any path that squeezes an int8 through a JS number shows up. */
const ORDER_ID_BASE = 9007199254741000n;

const png = (seed: number): Buffer =>
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, seed, 0x00, 0xff, seed ^ 0x5a]);

export const CUSTOMERS: CustomerSeed[] = [
  {
    id: 1,
    externalId: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    fullName: "Ada Lovelace",
    email: "ada@example.com",
    phone: "+44 20 7946 0001",
    isActive: true,
    lifetimeValue: "1520.50",
    loyaltyPoints: "120",
    rating: 4.8,
    tags: ["vip", "newsletter"],
    preferences: { theme: "dark", locale: "en-GB", notify: { email: true, sms: false, digest: "weekly" } },
    signupDate: "2021-03-01",
    createdAt: "2021-03-01 09:15:27.123456+00",
    lastSeenLocal: "2025-06-30 22:45:10.5",
    avatar: png(1),
    deletedAt: null,
    referredById: null,
  },
  {
    id: 2,
    externalId: "9b2d6c1e-8a4f-4e3b-b5d2-7c9e0f1a2b3c",
    fullName: "Grace Hopper",
    email: "grace@example.com",
    phone: null,
    isActive: true,
    lifetimeValue: "0.00",
    loyaltyPoints: "0",
    rating: null,
    tags: [],
    preferences: {},
    signupDate: "2022-11-15",
    createdAt: "2022-11-15 17:02:03.000001+00",
    lastSeenLocal: null,
    avatar: null,
    deletedAt: null,
    referredById: 1,
  },
  {
    id: 3,
    externalId: "c56a4180-65aa-42ec-a945-5fd21dec0538",
    fullName: "Katherine Johnson",
    email: "katherine@example.com",
    phone: "+1 757 555 0199",
    isActive: true,
    lifetimeValue: "98765.43",
    loyaltyPoints: "9007199254740993",
    rating: 4.35,
    tags: ["vip", "b2b", "früh-kunde"],
    preferences: {
      theme: "light",
      locale: "en-US",
      notify: { email: false, sms: true, digest: "daily" },
      addresses: [
        { label: "home", city: "Hampton", zip: "23669", primary: true },
        { label: "office", city: "Langley", zip: "23681", primary: false },
      ],
    },
    signupDate: "2020-02-29",
    createdAt: "2020-02-29 23:59:59.999999+00",
    lastSeenLocal: "2025-01-15 08:00:00",
    avatar: png(3),
    deletedAt: null,
    referredById: 1,
  },
  {
    id: 4,
    externalId: "16fd2706-8baf-433b-82eb-8c7fada847da",
    fullName: "Alan Turing",
    email: "alan@example.com",
    phone: "",
    isActive: false,
    lifetimeValue: "12.50",
    loyaltyPoints: "-5",
    rating: 0.1,
    tags: ["churned"],
    preferences: { notify: { email: false } },
    signupDate: "2019-07-04",
    createdAt: "2019-07-04 12:00:00+00",
    lastSeenLocal: "2024-12-31 23:30:00",
    avatar: null,
    deletedAt: null,
    referredById: 3,
  },
  {
    id: 5,
    externalId: "7d444840-9dc0-11d1-b245-5ffdce74fad2",
    fullName: "Barbara Liskov",
    email: "barbara@example.com",
    phone: "+1 617 555 0142",
    isActive: true,
    lifetimeValue: "4310.07",
    loyaltyPoints: "4310",
    rating: 5,
    tags: ["b2b"],
    preferences: { theme: "dark", notify: { email: true, sms: true, digest: "never" } },
    signupDate: "2023-01-09",
    createdAt: "2023-01-09 08:30:00.25+00",
    lastSeenLocal: "2025-03-30 01:30:00",
    avatar: png(5),
    deletedAt: null,
    referredById: 3,
  },
  {
    id: 6,
    externalId: "e4eaaaf2-d142-11e1-b3e4-080027620cdd",
    fullName: "Edsger Dijkstra",
    email: "edsger@example.com",
    phone: null,
    isActive: true,
    lifetimeValue: "250.00",
    loyaltyPoints: "25",
    rating: 3.9,
    tags: ["newsletter"],
    preferences: { locale: "nl-NL", notify: { digest: "monthly" } },
    signupDate: "2024-08-12",
    createdAt: "2024-08-12 14:45:00.5+00",
    lastSeenLocal: "2025-07-01 12:00:00.123456",
    avatar: null,
    deletedAt: "2025-02-01 10:00:00+00",
    referredById: null,
  },
  {
    id: 7,
    externalId: "a8098c1a-f86e-11da-bd1a-00112444be1e",
    fullName: "Margaret Hamilton",
    email: "margaret@example.com",
    phone: "+1 617 555 0177",
    isActive: true,
    lifetimeValue: "1999.99",
    loyaltyPoints: "1999",
    rating: 4.999999999,
    tags: ["vip"],
    preferences: { theme: "system", notify: { email: true, sms: false } },
    signupDate: "2023-06-30",
    createdAt: "2023-06-30 22:45:10.5+00",
    lastSeenLocal: "2025-10-26 02:30:00",
    avatar: png(7),
    deletedAt: null,
    referredById: 5,
  },
  {
    id: 8,
    externalId: "f47ac10b-58cc-4372-a567-0e02b2c3d479",
    fullName: "john mccarthy",
    email: "john@example.com",
    phone: "",
    isActive: true,
    lifetimeValue: "75.25",
    loyaltyPoints: "75",
    rating: 2.5,
    tags: ["beta-tester", "newsletter"],
    preferences: { notify: { email: false, sms: false, digest: "weekly" }, beta: { features: ["dark-mode", "csv"] } },
    signupDate: "2025-01-01",
    createdAt: "2025-01-01 00:00:00+00",
    lastSeenLocal: null,
    avatar: null,
    deletedAt: "2025-05-05 05:05:05.555555+00",
    referredById: 1,
  },
  {
    id: 9,
    externalId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    fullName: "Frances Allen",
    email: "frances@example.com",
    phone: "+1 914 555 0100",
    isActive: true,
    lifetimeValue: "333.33",
    loyaltyPoints: "333",
    rating: 4.1,
    tags: ["newsletter", "b2b"],
    preferences: { theme: "light", notify: { email: true, sms: false, digest: "weekly" } },
    signupDate: "2022-02-22",
    createdAt: "2022-02-22 22:22:22.222222+00",
    lastSeenLocal: "2025-08-15 18:20:00",
    avatar: png(9),
    deletedAt: null,
    referredById: null,
  },
  {
    id: 10,
    externalId: "00000000-0000-4000-8000-000000000010",
    fullName: "Donald Knuth",
    email: "donald@example.com",
    phone: "+1 650 555 0110",
    isActive: true,
    lifetimeValue: "1234567890.12",
    loyaltyPoints: "42",
    rating: 4.7,
    tags: ["vip", "author"],
    preferences: { locale: "en-US", notify: { email: true, sms: true, digest: "daily" }, quiet_hours: { from: "22:00", to: "07:00" } },
    signupDate: "2018-12-10",
    createdAt: "2018-12-10 06:07:08.09+00",
    lastSeenLocal: "2025-11-02 09:10:11",
    avatar: png(10),
    deletedAt: null,
    referredById: 9,
  },
];

type OrderRow = Omit<OrderSeed, "id"> & { n: bigint };

const ORDER_ROWS: OrderRow[] = [
  { n: 1n, customerId: 1, status: "shipped", total: "120.50", discountRate: "0.1000", weightKg: 1.25, itemCounts: [1, 2], linePrices: ["40.00", "40.25"], shipping: { method: "express", address: { city: "London", zip: "EC1A 1BB", country: "GB" }, insured: true }, placedAt: "2025-06-01 10:00:00.123456+00", deliveredAt: "2025-06-02 12:30:00.123456+00", shipBy: "2025-06-03", trackingCode: "GB123456789", giftMessage: null },
  { n: 2n, customerId: 1, status: "paid", total: "45.00", discountRate: null, weightKg: 0.3, itemCounts: [3], linePrices: ["15.00"], shipping: { method: "standard", address: { city: "London", zip: "EC1A 1BB", country: "GB" } }, placedAt: "2025-06-15 08:30:00+00", deliveredAt: null, shipBy: "2025-06-20", trackingCode: null, giftMessage: "" },
  { n: 3n, customerId: 1, status: "cancelled", total: "999.99", discountRate: "0.0000", weightKg: 12.75, itemCounts: [1], linePrices: ["999.99"], shipping: { method: "freight", address: { city: "Cambridge", zip: "CB2 1TN", country: "GB" } }, placedAt: "2025-05-20 17:45:30.5+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: null },
  { n: 4n, customerId: 3, status: "shipped", total: "10.05", discountRate: "0.0500", weightKg: 0.1, itemCounts: [1, 1, 1], linePrices: ["3.35", "3.35", "3.35"], shipping: { method: "standard", address: { city: "Hampton", zip: "23669", country: "US" }, notes: ["leave at door"] }, placedAt: "2025-07-04 12:00:00+00", deliveredAt: "2025-07-07 09:15:00+00", shipBy: "2025-07-07", trackingCode: "1Z999AA10123456784", giftMessage: "Happy 4th!" },
  { n: 5n, customerId: 3, status: "refunded", total: "0.01", discountRate: "0.9999", weightKg: 0.001, itemCounts: [1], linePrices: ["0.01"], shipping: { method: "digital" }, placedAt: "2025-07-05 00:00:00.000001+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: null },
  { n: 6n, customerId: 3, status: "paid", total: "15000.00", discountRate: "0.1250", weightKg: 250.5, itemCounts: [10, 20], linePrices: ["500.00", "500.00"], shipping: { method: "freight", address: { city: "Langley", zip: "23681", country: "US" }, insured: true, dock: 4, delivery_notes: "Gate 4, ask for Sam at the loading bay", deliveryNotes: "Gate 4" }, placedAt: "2025-08-01 09:00:00+00", deliveredAt: null, shipBy: "2025-08-15", trackingCode: null, giftMessage: null },
  { n: 7n, customerId: 3, status: "shipped", total: "77.70", discountRate: null, weightKg: 2.2, itemCounts: [7], linePrices: ["11.10"], shipping: { method: "standard", address: { city: "Hampton", zip: "23669", country: "US" } }, placedAt: "2025-06-01 10:00:00.123456+00", deliveredAt: "2025-06-04 10:00:00.123456+00", shipBy: "2025-06-04", trackingCode: "1Z999AA10123456785", giftMessage: null },
  { n: 8n, customerId: 4, status: "cancelled", total: "12.50", discountRate: null, weightKg: 0.5, itemCounts: [1], linePrices: ["12.50"], shipping: { method: "standard", address: { city: "Wilmslow", zip: "SK9 1AA", country: "GB" } }, placedAt: "2024-12-31 23:59:59.999999+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: null },
  { n: 9n, customerId: 5, status: "shipped", total: "2155.03", discountRate: "0.0300", weightKg: 8.8, itemCounts: [2, 1], linePrices: ["1000.00", "155.03"], shipping: { method: "express", address: { city: "Cambridge", zip: "02139", country: "US" }, insured: true }, placedAt: "2025-03-30 01:30:00+00", deliveredAt: "2025-03-31 01:30:00+00", shipBy: "2025-04-01", trackingCode: "1Z999AA10123456786", giftMessage: null },
  { n: 10n, customerId: 5, status: "paid", total: "2155.04", discountRate: "0.0300", weightKg: 8.8, itemCounts: [2, 1], linePrices: ["1000.00", "155.04"], shipping: { method: "express", address: { city: "Cambridge", zip: "02139", country: "US" } }, placedAt: "2025-09-09 09:09:09.090909+00", deliveredAt: null, shipBy: "2025-09-12", trackingCode: null, giftMessage: "For the lab" },
  { n: 11n, customerId: 6, status: "pending", total: "250.00", discountRate: null, weightKg: 3, itemCounts: [5], linePrices: ["50.00"], shipping: { method: "standard", address: { city: "Austin", zip: "78712", country: "US" } }, placedAt: "2025-01-20 15:00:00+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: null },
  { n: 12n, customerId: 7, status: "shipped", total: "1999.99", discountRate: "0.0000", weightKg: 14.2, itemCounts: [1], linePrices: ["1999.99"], shipping: { method: "express", address: { city: "Boston", zip: "02108", country: "US" }, insured: true, delivery_notes: "Front desk", leave_at_door: false }, placedAt: "2025-10-26 01:30:00+00", deliveredAt: "2025-10-26 03:45:30+00", shipBy: "2025-10-28", trackingCode: "1Z999AA10123456787", giftMessage: null },
  { n: 13n, customerId: 8, status: "refunded", total: "75.25", discountRate: null, weightKg: 0.75, itemCounts: [1], linePrices: ["75.25"], shipping: { method: "standard", address: { city: "Stanford", zip: "94305", country: "US" } }, placedAt: "2025-02-14 14:14:14+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: "" },
  { n: 14n, customerId: 9, status: "paid", total: "111.11", discountRate: "0.0100", weightKg: 1.1, itemCounts: [1, 1, 1], linePrices: ["37.04", "37.04", "37.03"], shipping: { method: "standard", address: { city: "Peru", zip: "12972", country: "US" }, leave_at_door: true }, placedAt: "2025-08-15 18:20:00+00", deliveredAt: null, shipBy: "2025-08-18", trackingCode: null, giftMessage: null },
  { n: 15n, customerId: 9, status: "shipped", total: "222.22", discountRate: null, weightKg: 2.2, itemCounts: [2], linePrices: ["111.11"], shipping: { method: "express", address: { city: "Peru", zip: "12972", country: "US" } }, placedAt: "2025-08-16 18:20:00+00", deliveredAt: "2025-08-16 20:20:00+00", shipBy: "2025-08-17", trackingCode: "1Z999AA10123456788", giftMessage: null },
  { n: 16n, customerId: 10, status: "shipped", total: "3.14", discountRate: "0.0314", weightKg: 0.314, itemCounts: [1], linePrices: ["3.14"], shipping: { method: "standard", address: { city: "Stanford", zip: "94305", country: "US" }, notes: [] }, placedAt: "2025-03-14 15:09:26.535897+00", deliveredAt: "2025-03-17 15:09:26.535897+00", shipBy: "2025-03-16", trackingCode: "1Z999AA10123456789", giftMessage: "π" },
  { n: 17n, customerId: 10, status: "paid", total: "271.83", discountRate: null, weightKg: 2.718281828459045, itemCounts: [2, 7, 1, 8], linePrices: ["27.18", "27.18", "27.18", "27.18"], shipping: { method: "standard", address: { city: "Stanford", zip: "94305", country: "US" } }, placedAt: "2025-11-02 09:10:11+00", deliveredAt: null, shipBy: "2025-11-05", trackingCode: null, giftMessage: null },
  { n: 18n, customerId: 10, status: "cancelled", total: "1000000.00", discountRate: "0.5000", weightKg: 1000, itemCounts: [1], linePrices: ["1000000.00"], shipping: { method: "freight", address: { city: "Stanford", zip: "94305", country: "US" }, insured: true }, placedAt: "2025-04-01 00:00:00+00", deliveredAt: null, shipBy: null, trackingCode: null, giftMessage: null },
];

export const ORDERS: OrderSeed[] = ORDER_ROWS.map(({ n, ...rest }) => ({ id: String(ORDER_ID_BASE + n), ...rest }));

/** Inserts the rows through plain parameterized SQL, so the seed does not depend on either reader. */
export async function seed(client: pg.ClientBase): Promise<void> {
  for (const c of CUSTOMERS) {
    await client.query(
      `INSERT INTO customers (id, external_id, full_name, email, phone, is_active, lifetime_value,
         loyalty_points, rating, tags, preferences, signup_date, created_at, last_seen_local, avatar,
         deleted_at, referred_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        c.id, c.externalId, c.fullName, c.email, c.phone, c.isActive, c.lifetimeValue, c.loyaltyPoints,
        c.rating, c.tags, JSON.stringify(c.preferences), c.signupDate, c.createdAt, c.lastSeenLocal,
        c.avatar, c.deletedAt, null,
      ],
    );
  }
  for (const c of CUSTOMERS) {
    if (c.referredById !== null) {
      await client.query("UPDATE customers SET referred_by_id = $1 WHERE id = $2", [c.referredById, c.id]);
    }
  }
  for (const o of ORDERS) {
    await client.query(
      `INSERT INTO orders (id, customer_id, status, total, discount_rate, weight_kg, item_counts,
         line_prices, shipping, placed_at, delivered_at, ship_by, tracking_code, gift_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        o.id, o.customerId, o.status, o.total, o.discountRate, o.weightKg, o.itemCounts, o.linePrices,
        JSON.stringify(o.shipping), o.placedAt, o.deliveredAt, o.shipBy, o.trackingCode, o.giftMessage,
      ],
    );
  }
}
