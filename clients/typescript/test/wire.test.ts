// Driver and ORM values as JSON text: what a pair carries for each side.
import assert from "node:assert/strict";
import { test } from "node:test";

import { toJson } from "../src/index.js";
import { Prisma } from "./generated/prisma/client.js";

test("BigInt becomes decimal text, exactly", () => {
  assert.equal(toJson({ id: 9007199254740993n, n: -1n }), '{"id":"9007199254740993","n":"-1"}');
  assert.equal(toJson(12n), '"12"');
});

test("Prisma.Decimal becomes plain decimal text, never exponent form", () => {
  const values = [new Prisma.Decimal("0.0000001"), new Prisma.Decimal("1e21"), new Prisma.Decimal("-12.50")];
  assert.equal(String(values[0]), "1e-7"); // what JSON.stringify would have sent
  assert.equal(toJson(values), '["0.0000001","1000000000000000000000","-12.5"]');
});

test("Date becomes ISO 8601 in UTC; an invalid Date null", () => {
  assert.equal(toJson({ at: new Date(Date.UTC(2025, 5, 30, 22, 45, 10, 500)) }), '{"at":"2025-06-30T22:45:10.500Z"}');
  assert.equal(toJson([new Date(Number.NaN)]), "[null]");
});

test("Buffer, Uint8Array and ArrayBuffer become base64", () => {
  const bytes = Uint8Array.from([0, 255, 1]);
  assert.equal(toJson([Buffer.from(bytes), bytes, bytes.buffer]), '["AP8B","AP8B","AP8B"]');
  // A view into a larger buffer encodes only its own bytes.
  assert.equal(toJson(Buffer.from([9, 9, 0, 255, 1, 9]).subarray(2, 5)), '"AP8B"');
});

test("nested values keep their shape; undefined is null at the top", () => {
  const row = { a: [{ b: 1n, c: null, d: "x", e: true }], f: { g: new Prisma.Decimal("2.50") } };
  assert.deepEqual(JSON.parse(toJson(row)), { a: [{ b: "1", c: null, d: "x", e: true }], f: { g: "2.5" } });
  assert.equal(toJson(undefined), "null");
});

test("a custom encoder comes first; undefined leaves a value to the defaults", () => {
  class Money {
    constructor(readonly cents: number) {}
  }
  const encode = (value: unknown): unknown => (value instanceof Money ? (value.cents / 100).toFixed(2) : undefined);
  assert.equal(toJson({ price: new Money(1250), id: 3n }, encode), '{"price":"12.50","id":"3"}');
});
