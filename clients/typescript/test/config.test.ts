// The lifecycle table: which path serves and whether the other runs, for every state.
import assert from "node:assert/strict";
import { test } from "node:test";

import { type Config, bucket, decide, parseConfig } from "../src/index.js";

const config = (modules: Config["modules"], extra: Partial<Config> = {}): Config => ({ modules, ...extra });

test("before the first config: legacy serves, nothing is shadowed", () => {
  assert.deepEqual(decide(null, "auth", "r1"), { serve: "legacy", shadow: false });
});

test("each state at rate 1", () => {
  const c = config({
    a: { state: "legacy", sample_rate: 1 },
    b: { state: "shadow", sample_rate: 1 },
    c: { state: "orm", sample_rate: 1 },
    d: { state: "migrated", sample_rate: 1 },
  });
  assert.deepEqual(decide(c, "a", "r"), { serve: "legacy", shadow: false });
  assert.deepEqual(decide(c, "b", "r"), { serve: "legacy", shadow: true });
  assert.deepEqual(decide(c, "c", "r"), { serve: "orm", shadow: true });
  assert.deepEqual(decide(c, "d", "r"), { serve: "orm", shadow: false });
});

test("rate 0 shadows nothing but still serves per the state", () => {
  const c = config({ b: { state: "shadow", sample_rate: 0 }, c: { state: "orm", sample_rate: 0 } });
  assert.deepEqual(decide(c, "b", "r"), { serve: "legacy", shadow: false });
  assert.deepEqual(decide(c, "c", "r"), { serve: "orm", shadow: false });
});

test("sampling follows the contract hash of module and request id", () => {
  const c = config({ m: { state: "shadow", sample_rate: 0.5 } });
  for (const id of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
    assert.equal(decide(c, "m", id).shadow, bucket("m", id) < 5000, id);
  }
});

test("serve_rate ramps the ORM by the hash over module + '\\nserve'; missing means 1", () => {
  const ids = Array.from({ length: 40 }, (_, i) => `req-${i}`);
  const c = config({ m: { state: "orm", sample_rate: 1, serve_rate: 0.3 } });
  for (const id of ids) {
    const served = bucket("m\nserve", id) < 3000 ? "orm" : "legacy";
    assert.deepEqual(decide(c, "m", id), { serve: served, shadow: true });
  }
  const full = config({ m: { state: "orm", sample_rate: 1 } });
  assert.ok(ids.every((id) => decide(full, "m", id).serve === "orm"));
});

test("an unlisted module takes default_state and default_sample_rate", () => {
  assert.deepEqual(decide(config({}, { default_sample_rate: 1 }), "new", "r"), { serve: "legacy", shadow: true });
  assert.deepEqual(decide(config({}, { default_sample_rate: 1, default_state: "legacy" }), "new", "r"), {
    serve: "legacy",
    shadow: false,
  });
  assert.deepEqual(decide(config({}, { default_sample_rate: 0 }), "new", "r"), { serve: "legacy", shadow: false });
  // Never registered where the ORM serves; no rate given is the service's own default, 1.
  assert.deepEqual(decide(config({}, { default_state: "orm" }), "new", "r"), { serve: "legacy", shadow: false });
  assert.deepEqual(decide(config({}), "new", "r"), { serve: "legacy", shadow: true });
});

test("a retired module serves the named path and posts nothing", () => {
  const c = config({ x: { retired: true, serves: "orm" }, y: { retired: true, serves: "legacy" } });
  assert.deepEqual(decide(c, "x", "r"), { serve: "orm", shadow: false });
  assert.deepEqual(decide(c, "y", "r"), { serve: "legacy", shadow: false });
});

test("parseConfig keeps what it understands and never throws", () => {
  const parsed = parseConfig({
    default_sample_rate: 0.1,
    default_state: "legacy",
    modules: { a: { state: "orm", sample_rate: 0.5, serve_rate: 0.2, version: 3 }, b: "junk", c: { state: "??" } },
  });
  assert.deepEqual(parsed, {
    default_sample_rate: 0.1,
    default_state: "legacy",
    modules: { a: { state: "orm", sample_rate: 0.5, serve_rate: 0.2, version: 3 }, c: {} },
  });
  assert.equal(parseConfig("nope"), null);
  // A module whose state this client does not know serves legacy only.
  assert.deepEqual(decide(parsed, "c", "r"), { serve: "legacy", shadow: false });
});
