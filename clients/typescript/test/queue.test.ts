// The posting queue against a real HTTP receiver on loopback that records what arrives: a full queue
// drops its oldest pairs (counted), and close() posts what is left.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";

import { Shadow } from "../src/index.js";
import { eventually } from "./support.js";

test("a full queue drops its oldest pairs, counted; close() posts the rest in one batch", async () => {
  const batches: string[][] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.url === "/v1/config") {
        res.writeHead(200, { "content-type": "application/json", etag: '"1"' });
        res.end('{"default_sample_rate":1,"default_state":"shadow","modules":{}}');
        return;
      }
      const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as { pairs: { request_id: string }[] };
      batches.push(body.pairs.map((p) => p.request_id));
      res.writeHead(202, { "content-type": "application/json" });
      res.end(JSON.stringify({ accepted: body.pairs.length, rejected: 0, results: body.pairs.map(() => ({ outcome: "match" })) }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // Nothing is sent before close(): the batch never fills and the flush interval never passes.
    const shadow = new Shadow({ url, queueSize: 5, batchSize: 100, flushIntervalMs: 600_000 });
    await eventually("the first config", async () => ((await shadow.refresh()) ? true : undefined));
    for (let i = 0; i < 12; i += 1) {
      assert.equal(await shadow.run("m", "q", { legacy: () => i, orm: () => i, requestId: `q${i}` }), i);
    }
    await eventually("every pair to be queued", () => (shadow.stats().queued + shadow.stats().dropped === 12 ? true : undefined));
    assert.deepEqual([shadow.stats().queued, shadow.stats().dropped, batches.length], [5, 7, 0]);
    const stats = await shadow.close();
    assert.deepEqual(batches, [["q7", "q8", "q9", "q10", "q11"]]);
    assert.deepEqual([stats.posted, stats.dropped, stats.queued], [5, 7, 0]);
  } finally {
    receiver.close();
  }
});
