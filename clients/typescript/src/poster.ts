/**
 * Posting pairs off the request path: a bounded queue, batches to /v1/pairs/batch, gzip, retries.
 *
 * - `enqueue` is O(1) and never blocks: the queue is a ring buffer; when it is full the oldest pair is
 *   dropped (counted in `dropped`), since a recent pair says more about the code now deployed.
 * - A batch is sent when `batchSize` pairs wait or `flushIntervalMs` after the first one arrived; up to
 *   `maxInFlight` batches are in flight at once (2: the next batch is compressed and sent while the
 *   service answers the last). The body is gzip-compressed on libuv's thread pool, not the event loop.
 * - A network error, a timeout, 408, 429 or 5xx is retried with exponential backoff (and jitter), up to
 *   `maxAttempts` attempts in all, with the same body: every pair carries its `pair_id`, so a batch the service
 *   stored before the answer got lost counts once. A batch still failing then is dropped (counted).
 * - 413 splits the batch in two; any other 4xx rejects the batch (a client bug or a bad token: resending
 *   cannot help). A pair the service refuses inside a 202 answer is counted in `rejected`.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";

const gzip = promisify(gzipCallback);

export interface PosterOptions {
  url: string;
  headers: Record<string, string>;
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  maxAttempts: number;
  maxInFlight: number;
  retryBackoffMs: number;
  maxBackoffMs: number;
  requestTimeoutMs: number;
  gzip: boolean;
  onAnswer: (module: string, answer: Record<string, unknown>) => void;
  onError: (error: unknown) => void;
}

export interface PosterCounters {
  /** Pairs the service answered for (any outcome, also `skipped`). */
  posted: number;
  /**
   * Pairs given up: the queue was full (oldest dropped), retries ran out, close() timed out, or the
   * service refused them (`rejected`, counted here too).
   */
  dropped: number;
  /** HTTP attempts that failed (each retry counts); says the service was unreachable or unwell. */
  failedPosts: number;
  /** Of `dropped`: pairs the service refused (a 4xx for their batch, or an error item in a 202 answer). */
  rejected: number;
}

interface Queued {
  json: string;
  module: string;
}

class RetryableStatus extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export class Poster {
  readonly counters: PosterCounters = { posted: 0, dropped: 0, failedPosts: 0, rejected: 0 };
  private readonly options: PosterOptions;
  private readonly ring: (Queued | undefined)[];
  private head = 0;
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Batches being posted (at most `maxInFlight`). */
  private readonly sending = new Set<Promise<void>>();
  /** Set by close(): backoffs and requests end by then. */
  private deadline: number | null = null;
  private abort: AbortController = new AbortController();

  constructor(options: PosterOptions) {
    this.options = options;
    this.ring = new Array<Queued | undefined>(options.queueSize);
  }

  get queued(): number {
    return this.size;
  }

  enqueue(json: string, module: string): void {
    const capacity = this.ring.length;
    if (this.size === capacity) {
      this.head = (this.head + 1) % capacity;
      this.size -= 1;
      this.counters.dropped += 1;
    }
    this.ring[(this.head + this.size) % capacity] = { json, module };
    this.size += 1;
    this.schedule();
  }

  /**
   * Sends what is queued until the queue is empty or `timeoutMs` has passed; whatever is left then is
   * counted as dropped. Pairs enqueued afterwards are dropped as they come.
   */
  async close(timeoutMs: number): Promise<void> {
    this.deadline = performance.now() + timeoutMs;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const giveUp = setTimeout(() => this.abort.abort(), timeoutMs);
    try {
      while (this.sending.size > 0 || this.size > 0) {
        while (this.sending.size < this.options.maxInFlight && this.size > 0) {
          this.launch();
        }
        await Promise.race(this.sending);
        if (this.pastDeadline()) {
          await Promise.allSettled(this.sending); // aborted at the deadline, so this is short
          break;
        }
      }
    } finally {
      clearTimeout(giveUp);
      this.counters.dropped += this.size;
      this.ring.fill(undefined);
      this.head = 0;
      this.size = 0;
    }
  }

  private pastDeadline(): boolean {
    return this.deadline !== null && performance.now() >= this.deadline;
  }

  private schedule(): void {
    if (this.deadline !== null) {
      // Closing: close() drains the queue itself.
      return;
    }
    if (this.sending.size >= this.options.maxInFlight) {
      return; // a batch that finishes schedules again
    }
    if (this.size >= this.options.batchSize) {
      if (this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      this.startSending();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startSending();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Sends a batch, and another while a full one waits and a place is free. */
  private startSending(): void {
    while (this.sending.size < this.options.maxInFlight && this.size > 0) {
      this.launch();
      if (this.size < this.options.batchSize) {
        break;
      }
    }
  }

  private launch(): void {
    const sent: Promise<void> = this.sendOne().finally(() => {
      this.sending.delete(sent);
      if (this.size > 0) {
        this.schedule();
      }
    });
    this.sending.add(sent);
  }

  private take(): Queued[] {
    const n = Math.min(this.size, this.options.batchSize);
    const batch: Queued[] = new Array<Queued>(n);
    const capacity = this.ring.length;
    for (let i = 0; i < n; i += 1) {
      const index = (this.head + i) % capacity;
      batch[i] = this.ring[index] as Queued;
      this.ring[index] = undefined;
    }
    this.head = (this.head + n) % capacity;
    this.size -= n;
    return batch;
  }

  private async sendOne(): Promise<void> {
    const batch = this.take();
    if (batch.length > 0) {
      try {
        await this.deliver(batch);
      } catch (error) {
        // deliver() handles every expected failure; this is a bug guard, never the caller's problem.
        this.counters.dropped += batch.length;
        this.options.onError(error);
      }
    }
  }

  private async deliver(batch: Queued[]): Promise<void> {
    const text = `{"pairs":[${batch.map((q) => q.json).join(",")}]}`;
    const headers: Record<string, string> = { ...this.options.headers, "content-type": "application/json" };
    let body: Uint8Array | string = text;
    if (this.options.gzip) {
      body = await gzip(text);
      headers["content-encoding"] = "gzip";
    }
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${this.options.url}/v1/pairs/batch`, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]),
        });
        if (response.status === 408 || response.status === 429 || response.status >= 500) {
          await response.body?.cancel();
          throw new RetryableStatus(`POST /v1/pairs/batch answered ${response.status}`);
        }
      } catch (error) {
        this.counters.failedPosts += 1;
        if (attempt + 1 >= this.options.maxAttempts || this.pastDeadline() || this.abort.signal.aborted) {
          this.counters.dropped += batch.length;
          this.options.onError(error);
          return;
        }
        const backoff = Math.min(this.options.maxBackoffMs, this.options.retryBackoffMs * 2 ** attempt) * (0.5 + Math.random());
        const left = this.deadline === null ? backoff : Math.max(0, this.deadline - performance.now());
        await sleep(Math.min(backoff, left));
        continue;
      }
      await this.answered(batch, response);
      return;
    }
  }

  private async answered(batch: Queued[], response: Response): Promise<void> {
    if (response.status === 413 && batch.length > 1) {
      await response.body?.cancel();
      const half = Math.ceil(batch.length / 2);
      await this.deliver(batch.slice(0, half));
      await this.deliver(batch.slice(half));
      return;
    }
    if (!response.ok) {
      const detail = await response.text().catch(() => "");
      this.counters.rejected += batch.length;
      this.counters.dropped += batch.length;
      this.options.onError(new Error(`POST /v1/pairs/batch answered ${response.status}: ${detail.slice(0, 500)}`));
      return;
    }
    const answer = (await response.json()) as { results?: unknown };
    const results = Array.isArray(answer.results) ? answer.results : [];
    for (let i = 0; i < batch.length; i += 1) {
      const result = results[i] as Record<string, unknown> | undefined;
      if (typeof result !== "object" || result === null || !("outcome" in result)) {
        this.counters.rejected += 1;
        this.counters.dropped += 1;
        if (result !== undefined) {
          this.options.onError(new Error(`a pair was refused: ${JSON.stringify(result).slice(0, 500)}`));
        }
        continue;
      }
      this.counters.posted += 1;
      this.options.onAnswer((batch[i] as Queued).module, result);
    }
  }
}
