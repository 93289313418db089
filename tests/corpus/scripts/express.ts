// What a Node backend built on Express posts as one side of a pair: `res.json(result)`.
//
// Express's res.json is `JSON.stringify(value, app.get("json replacer"), app.get("json spaces"))`, so every
// value goes through its own toJSON() first: a Date becomes its ISO string, a Buffer becomes Buffer JSON
// ({"type": "Buffer", "data": [...]}), a Prisma Decimal (decimal.js) its toString() ("12.5", "5e-8" below
// 1e-7), and a Uint8Array, which has no toJSON, an object of indexes ({"0": 10, "1": 255}). JSON.stringify
// throws on a BigInt, so every real app sets a "json replacer" for it: the ones below are the two common
// ones. Unlike scripts/wire.ts (the serializer a shadowdiff client ships, used by the PostgreSQL corpus),
// nothing here smooths the drivers' differences away: that is the point of these corpora.

export type Replacer = (this: unknown, key: string, value: unknown) => unknown;

/** `app.set("json replacer", ...)` of an app that sends every BigInt as a decimal string. */
export const bigintAsString: Replacer = (_key, value) => (typeof value === "bigint" ? value.toString() : value);

/** The other common replacer: a number when it is safe, else a string (ids above 2^53 keep their digits). */
export const bigintAsSafeNumber: Replacer = (_key, value) => {
  if (typeof value !== "bigint") {
    return value;
  }
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
};

/** A careless replacer (the planted bugs use it): Number() rounds every BigInt above 2^53. */
export const bigintAsNumber: Replacer = (_key, value) => (typeof value === "bigint" ? Number(value) : value);

/** The body res.json sends, read back as shadowdiff reads it. `undefined` (a query with no answer) is null. */
export function resJson(result: unknown, replacer: Replacer): unknown {
  const text = JSON.stringify(result, replacer);
  return text === undefined ? null : JSON.parse(text);
}
