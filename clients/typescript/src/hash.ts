/**
 * SPEC section 3's sampling hash, the one function a client and the service must agree on.
 *
 * bucket = the first 8 bytes of SHA-256 over the UTF-8 of `module + "\n" + requestId`, read as a
 * big-endian unsigned integer, modulo 10,000. A request is sampled when its bucket is below
 * round(rate * 10000), rounded half to even as Python's round() does: JavaScript's Math.round rounds
 * halves up (0.00025 * 10000 = 2.5 -> 3), which would sample a bucket the service does not.
 * clients/hash-vectors.json, generated from flags/sampling.py, pins both.
 */
import { createHash } from "node:crypto";

export const BUCKETS = 10_000;
const BUCKETS_BIG = 10_000n;

export function bucket(module: string, requestId: string): number {
  const digest = createHash("sha256").update(`${module}\n${requestId}`, "utf8").digest();
  return Number(digest.readBigUInt64BE(0) % BUCKETS_BIG);
}

/**
 * Round to the nearest integer, ties to the even one (Python's round(), IEEE 754's default).
 * `x - floor(x)` is exact for doubles below 2^52, so a tie is detected exactly as Python detects it.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) {
    return floor;
  }
  if (fraction > 0.5) {
    return floor + 1;
  }
  return floor % 2 === 0 ? floor : floor + 1;
}

/** How many of the 10,000 buckets a rate samples (rate clamped to 0..1; NaN samples nothing). */
export function threshold(rate: number): number {
  if (Number.isNaN(rate)) {
    return 0;
  }
  return roundHalfEven(Math.min(Math.max(rate, 0), 1) * BUCKETS);
}

/** The service's is_sampled(): deterministic for a request id, random without one. */
export function isSampled(
  module: string,
  requestId: string | null | undefined,
  rate: number,
  random: () => number = Math.random,
): boolean {
  const limit = threshold(rate);
  if (limit >= BUCKETS) {
    return true;
  }
  if (limit <= 0) {
    return false;
  }
  if (requestId === null || requestId === undefined) {
    return Math.floor(random() * BUCKETS) < limit;
  }
  return bucket(module, requestId) < limit;
}

/** The serving ramp (`serve_rate` in `orm`): the same function over `module + "\nserve"`. */
export function isServedByOrm(module: string, requestId: string | null | undefined, serveRate: number): boolean {
  return isSampled(`${module}\nserve`, requestId, serveRate);
}
