// The serializer a shadowdiff JavaScript client ships: `JSON.stringify(pair, toWire)`.
//
// Plain JSON.stringify cannot post a query result as-is: it throws on BigInt, turns a Buffer into
// {"type":"Buffer","data":[...]} and a Uint8Array into {"0":..,"1":..}, and prints a Prisma Decimal through
// decimal.js's toString, which switches to exponent notation ("1e-7") that no longer reads as a decimal.
// A client posts both sides through this one replacer, so the only differences left between them are the
// ones their drivers really make (key casing, numbers as strings, date vs instant, ...).
//
// JSON.stringify calls a value's own toJSON() before the replacer sees it (Date, Buffer and Decimal all
// have one), so the replacer looks at the untouched value in its holder, `this[key]`.

type Holder = Record<string, unknown>;

/** decimal.js (Prisma.Decimal) instances, recognised by shape so the client needs no Prisma import. */
function isDecimal(value: unknown): value is { toFixed(): string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { toFixed?: unknown }).toFixed === "function" &&
    "d" in value &&
    "e" in value &&
    "s" in value
  );
}

export function toWire(this: Holder, key: string, value: unknown): unknown {
  const raw = this[key];
  if (typeof raw === "bigint") {
    return raw.toString();
  }
  if (raw instanceof Uint8Array) {
    // Buffer is a Uint8Array too.
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  }
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  }
  if (isDecimal(raw)) {
    // toFixed() with no argument prints every digit in plain notation, never "1e-7".
    return raw.toFixed();
  }
  return value;
}

/** What a client would post as one side's `result`: the JSON text, read back as the service will read it. */
export function wireValue(result: unknown): unknown {
  const text = JSON.stringify(result, toWire);
  return text === undefined ? null : JSON.parse(text);
}
