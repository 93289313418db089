/**
 * Driver and ORM values as the JSON text a pair carries.
 *
 * Plain JSON.stringify cannot post a query result as it is: it throws on BigInt (pg's int8 with a
 * parser, Prisma's BigInt), writes a Buffer as {"type":"Buffer","data":[...]} and a Uint8Array as
 * {"0":..,"1":..}, and prints a Prisma.Decimal through decimal.js's toString(), which switches to
 * exponent form ("1e-7") that no longer reads as a decimal. Here:
 *
 * - bigint                -> decimal text ("9007199254740993")
 * - Prisma.Decimal         -> plain decimal text through toFixed() ("0.0000001", never "1e-7")
 * - Date                   -> ISO 8601 in UTC (an invalid Date -> null)
 * - Buffer / Uint8Array    -> base64 (also an ArrayBuffer)
 * - anything `encode` maps -> what it returns (the hook for custom types; `undefined` = not handled)
 *
 * JSON.stringify calls a value's own toJSON() (Date, Buffer, Decimal have one) before a replacer sees
 * it, so the replacer reads the untouched value from its holder, `this[key]`.
 */

/** A hook for custom types: return the JSON-ready value, or `undefined` to leave the value to the defaults. */
export type Encoder = (value: unknown) => unknown;

type Holder = Record<string, unknown>;

/** decimal.js instances (Prisma.Decimal), recognised by shape so this package needs no Prisma import. */
export function isDecimal(value: unknown): value is { toFixed(): string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toFixed?: unknown }).toFixed === "function" &&
    "d" in value &&
    "e" in value &&
    "s" in value
  );
}

function encodeDefault(raw: unknown): unknown {
  if (typeof raw === "bigint") {
    return raw.toString();
  }
  if (raw instanceof Uint8Array) {
    // Buffer is a Uint8Array too.
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  }
  if (raw instanceof ArrayBuffer) {
    return Buffer.from(raw).toString("base64");
  }
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  }
  if (isDecimal(raw)) {
    // toFixed() with no argument prints every digit in plain notation.
    return raw.toFixed();
  }
  return undefined;
}

function needsEncoding(raw: unknown): boolean {
  return typeof raw === "bigint" || (typeof raw === "object" && raw !== null && !Array.isArray(raw));
}

/** A JSON.stringify replacer applying the rules above (and `encode` first, when given). */
export function replacer(encode?: Encoder): (this: Holder, key: string, value: unknown) => unknown {
  return function (this: Holder, key: string, value: unknown): unknown {
    const raw = this[key];
    if (!needsEncoding(raw)) {
      return value;
    }
    if (encode !== undefined) {
      const custom = encode(raw);
      if (custom !== undefined) {
        return custom;
      }
    }
    const known = encodeDefault(raw);
    return known === undefined ? value : known;
  };
}

const DEFAULT_REPLACER = replacer();

/** The JSON text of a value as a pair carries it; `undefined` (and a bare function) become `null`. */
export function toJson(value: unknown, encode?: Encoder): string {
  const text = JSON.stringify(value, encode === undefined ? DEFAULT_REPLACER : replacer(encode));
  return text === undefined ? "null" : text;
}
