// SPEC section 3's hash against clients/hash-vectors.json, which the service side generates from
// flags/sampling.py: the client samples exactly the requests the service samples.
import assert from "node:assert/strict";
import { test } from "node:test";

import { bucket, isSampled, isServedByOrm, roundHalfEven, threshold } from "../src/index.js";
import { hashVectors } from "./support.js";

interface BucketVector {
  module: string;
  request_id: string;
  bucket: number;
}

const vectors = hashVectors() as {
  buckets: number;
  sample: BucketVector[];
  serve: BucketVector[];
  threshold: { rate: number; buckets: number }[];
  sampled: { module: string; request_id: string; rate: number; sampled: boolean }[];
};

test("the vector file covers every part of the hash", () => {
  assert.equal(vectors.buckets, 10_000);
  for (const part of [vectors.sample, vectors.serve, vectors.threshold, vectors.sampled]) {
    assert.ok(part.length >= 5);
  }
});

test("bucket() gives the service's bucket for every vector", () => {
  for (const v of vectors.sample) {
    assert.equal(bucket(v.module, v.request_id), v.bucket, JSON.stringify(v));
  }
});

test("the serving ramp hashes module + '\\nserve' in place of the module", () => {
  for (const v of vectors.serve) {
    assert.equal(bucket(`${v.module}\nserve`, v.request_id), v.bucket, JSON.stringify(v));
    // A request in the ramp's lowest bucket is served by the ORM from the first step of the ramp on.
    assert.equal(isServedByOrm(v.module, v.request_id, (v.bucket + 1) / 10_000), true);
    assert.equal(isServedByOrm(v.module, v.request_id, v.bucket / 10_000), false);
  }
});

test("threshold() rounds half to even as Python's round does", () => {
  for (const v of vectors.threshold) {
    assert.equal(threshold(v.rate), v.buckets, `rate ${v.rate}`);
  }
  assert.equal(threshold(0.00025), 2); // SPEC's example: Math.round would give 3
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
});

test("isSampled() agrees with the service for every vector", () => {
  for (const v of vectors.sampled) {
    assert.equal(isSampled(v.module, v.request_id, v.rate), v.sampled, JSON.stringify(v));
  }
});

test("without a request id the decision is random at the rate", () => {
  const draws = [0, 0.00999, 0.01, 0.5, 0.99999];
  const decisions = draws.map((r) => isSampled("auth", undefined, 0.01, () => r));
  assert.deepEqual(decisions, [true, true, false, false, false]);
  assert.equal(isSampled("auth", undefined, 1, () => 0.99999), true);
  assert.equal(isSampled("auth", undefined, 0, () => 0), false);
});
