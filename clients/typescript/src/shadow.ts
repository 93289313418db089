/**
 * `Shadow`: run a query both ways, serve one result per the module's flag, post the pair.
 *
 * The caller's promise settles with the serving path's own value or exception, as if shadowdiff were
 * not there. The other path runs concurrently with the caller's own work: by default it starts right
 * after the serving path settled (see `startShadow`), it is never awaited before the caller gets its
 * result, and it runs under `shadowTimeoutMs` (a timeout becomes the
 * error type `ShadowTimeout`, so it is not mistaken for an ORM failure), and whatever it does, resolve,
 * reject or hang, only ends up in the posted pair. No exception of shadowdiff's own (serialization,
 * network, a full queue) ever reaches the caller; they are counted in `stats()` and passed to `onError`.
 */
import { randomUUID } from "node:crypto";

import { type Config, type Decision, decide, isState } from "./config.js";
import { ConfigPoller } from "./poller.js";
import { Poster } from "./poster.js";
import { currentRequest } from "./scope.js";
import { type Encoder, toJson } from "./wire.js";

export interface ShadowOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** A bearer token with the `ingest` and `read` roles (none when the service runs without tokens). */
  token?: string | null;
  /** How often /v1/config is read (ETag, so an unchanged config costs a 304). Default 5000. */
  pollIntervalMs?: number;
  /** How long the shadow path may run before its pair posts as `ShadowTimeout`. Default 2000. */
  shadowTimeoutMs?: number;
  /** Shadow paths allowed to run at once; past it a sampled call serves without shadowing. Default 256. */
  maxConcurrentShadows?: number;
  /** Pairs waiting to be posted; when full the oldest is dropped. Default 10000. */
  queueSize?: number;
  /** Pairs per POST /v1/pairs/batch (the service's SHADOWDIFF_MAX_BATCH is 1000). Default 500. */
  batchSize?: number;
  /** The longest a pair waits for its batch to fill. Default 200. */
  flushIntervalMs?: number;
  /** Attempts to post a batch in all (retried on a network error, 408, 429, 5xx). Default 5. */
  maxAttempts?: number;
  /** The first retry's backoff; it doubles each time (with jitter) up to `maxBackoffMs`. Default 100. */
  retryBackoffMs?: number;
  /** Batches posted at once. Default 2. */
  maxInFlight?: number;
  /** The longest backoff between two attempts. Default 5000. */
  maxBackoffMs?: number;
  /** Timeout of one HTTP request to the service. Default 5000. */
  requestTimeoutMs?: number;
  /** Compress request bodies (Content-Encoding: gzip). Default true. */
  gzip?: boolean;
  /** Custom types to JSON: return the JSON-ready value, or undefined for the built-in rules. */
  encode?: Encoder;
  /**
   * When the shadow path starts. `"afterServe"` (default): once the serving path has settled and the
   * caller's continuation has run (setImmediate), so the shadow query's own CPU work (an ORM builds its
   * query on the event loop) never sits between the serving query's answer and the caller.
   * `"withServe"`: in the same tick as the serving path, both queries in flight at once; measured in
   * bench/latency.ts, this made a 0.7 ms pg read ~5x slower at the median with Prisma as the shadow.
   */
  startShadow?: "afterServe" | "withServe";
  /** Told about every failure of shadowdiff's own (never the caller's). Default: console.warn, once a minute. */
  onError?: (error: unknown) => void;
}

export interface RunOptions<L, O> {
  legacy: () => L | PromiseLike<L>;
  orm: () => O | PromiseLike<O>;
  /** The sampling key; a random one when neither this nor `withRequest` gives one. */
  requestId?: string;
  /** The query's inputs, kept with mismatch samples (at most 8 KB as JSON, else left out). */
  context?: Record<string, unknown>;
  /** An inline comparison spec (SPEC section 2), merged over the stored one. */
  spec?: Record<string, unknown>;
}

export interface ShadowStats {
  /** Pairs the service answered for. */
  posted: number;
  /**
   * Sampled calls whose pair never got the service's answer: queue full (oldest dropped), shadow capacity
   * full (`shadowSkipped`), retries exhausted, close() timed out, refused by the service (`rejected`).
   * Every sampled call ends up in `posted` or `dropped`.
   */
  dropped: number;
  /** HTTP attempts to post that failed (each retry counts). */
  failedPosts: number;
  /** Of `dropped`: pairs the service refused as invalid. */
  rejected: number;
  /** Shadow paths that threw or timed out (their pairs post as errors). */
  shadowErrors: number;
  /** Of `dropped`: sampled calls served without shadowing because `maxConcurrentShadows` were running. */
  shadowSkipped: number;
  /** Pairs waiting to be posted. */
  queued: number;
  /** Seconds since the service last confirmed the config; null before its first answer. */
  configAgeS: number | null;
}

interface SideOutcome {
  ms: number;
  json: string | null;
  error: { type: string; message: string } | null;
}

const MAX_CONTEXT_BYTES = 8 * 1024;
const MAX_MESSAGE = 2000;
const NAME_CHARS = /[^A-Za-z0-9_.:-]/g;

/** The error's class name as the service's error-type label wants it ([A-Za-z0-9_.:-]{1,128}). */
export function errorType(error: unknown): string {
  let name = "Error";
  if (error instanceof Error) {
    const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
    name = typeof ctor === "string" && ctor !== "" && ctor !== "Error" ? ctor : error.name || "Error";
  } else if (error === null || typeof error !== "object") {
    name = `Thrown_${typeof error}`;
  }
  return name.replace(NAME_CHARS, "_").slice(0, 128) || "Error";
}

function describe(error: unknown): { type: string; message: string } {
  let message: string;
  try {
    message = error instanceof Error ? error.message : String(error);
  } catch {
    message = "(the error could not be turned into text)";
  }
  return { type: errorType(error), message: message.slice(0, MAX_MESSAGE) };
}

/** Resolves after the current turn of the event loop, the caller's continuation included. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function invoke<T>(fn: () => T | PromiseLike<T>): Promise<T> {
  try {
    // Promise.resolve calls then() on a thenable at once, which is what starts a lazy PrismaPromise.
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}

function rateLimitedWarn(): (error: unknown) => void {
  let last = -Infinity;
  return (error: unknown) => {
    const now = performance.now();
    if (now - last >= 60_000) {
      last = now;
      console.warn("shadowdiff client:", error instanceof Error ? error.message : error);
    }
  };
}

export class Shadow {
  private readonly poller: ConfigPoller;
  private readonly poster: Poster;
  private readonly shadowTimeoutMs: number;
  private readonly maxConcurrentShadows: number;
  private readonly encode: Encoder | undefined;
  private readonly together: boolean;
  private readonly onError: (error: unknown) => void;
  private readonly pending = new Set<Promise<void>>();
  private running = 0;
  private shadowErrors = 0;
  private shadowSkipped = 0;
  private closing: Promise<ShadowStats> | null = null;

  constructor(options: ShadowOptions) {
    const url = options.url.replace(/\/+$/, "");
    const headers: Record<string, string> = {};
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.onError = options.onError ?? rateLimitedWarn();
    this.shadowTimeoutMs = options.shadowTimeoutMs ?? 2000;
    this.maxConcurrentShadows = options.maxConcurrentShadows ?? 256;
    this.encode = options.encode;
    this.together = options.startShadow === "withServe";
    this.poller = new ConfigPoller({
      url,
      headers,
      intervalMs: options.pollIntervalMs ?? 5000,
      timeoutMs: requestTimeoutMs,
      onError: this.onError,
    });
    this.poster = new Poster({
      url,
      headers,
      queueSize: options.queueSize ?? 10_000,
      batchSize: options.batchSize ?? 500,
      flushIntervalMs: options.flushIntervalMs ?? 200,
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      maxInFlight: Math.max(1, options.maxInFlight ?? 2),
      retryBackoffMs: options.retryBackoffMs ?? 100,
      maxBackoffMs: options.maxBackoffMs ?? 5000,
      requestTimeoutMs,
      gzip: options.gzip ?? true,
      onAnswer: (module, answer) => this.learn(module, answer),
      onError: this.onError,
    });
    this.poller.start();
  }

  /** The config as last read (null before the service first answered). */
  config(): Config | null {
    return this.poller.current();
  }

  /** Reads /v1/config now instead of at the next poll; true when the service answered. */
  refresh(): Promise<boolean> {
    return this.poller.refresh();
  }

  /** What `run` would do for this module and request id now. */
  decide(module: string, requestId?: string | null): Decision {
    return decide(this.poller.current(), module, requestId);
  }

  /**
   * Runs the path the module's state serves and returns its result (or throws its exception); when the
   * call is sampled, runs the other path concurrently and posts the pair once both have settled.
   */
  async run<L, O = L>(module: string, queryName: string, options: RunOptions<L, O>): Promise<L | O> {
    const scope = currentRequest();
    const config = this.poller.current();
    let requestId = options.requestId ?? scope?.requestId;
    if (requestId === undefined && config !== null) {
      // The service samples a pair without request_id at random; one id for both sides of the
      // decision makes the client and the service agree on which pairs to compare.
      requestId = randomUUID();
    }
    const decision = decide(config, module, requestId);
    const serve: () => L | O | PromiseLike<L | O> = decision.serve === "legacy" ? options.legacy : options.orm;
    if (!decision.shadow) {
      return serve();
    }
    if (this.closing !== null || this.running >= this.maxConcurrentShadows) {
      this.shadowSkipped += 1;
      return serve();
    }
    const other: () => L | O | PromiseLike<L | O> = decision.serve === "legacy" ? options.orm : options.legacy;
    const started = performance.now();
    const served = invoke(serve);
    this.running += 1; // the slot is taken now, so maxConcurrentShadows holds while the start waits
    const shadowed = this.together
      ? this.runShadow(other)
      : served.then(nextTurn, nextTurn).then(() => this.runShadow(other));
    // Registered before the caller's own continuation, so the served value is captured as it was served,
    // before the caller can change it (deleting a password field before responding is common).
    const servedOutcome = served.then(
      (value): SideOutcome => this.resolved(value, started),
      (error: unknown): SideOutcome => ({ ms: ms(started), json: null, error: describe(error) }),
    );
    const done = Promise.all([servedOutcome, shadowed])
      .then(([mine, theirs]) => {
        const [legacy, orm] = decision.serve === "legacy" ? [mine, theirs] : [theirs, mine];
        this.enqueue(module, queryName, requestId, options.context ?? scope?.context, options.spec, legacy, orm);
      })
      .catch((error: unknown) => this.onError(error))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
    return served;
  }

  stats(): ShadowStats {
    const counters = this.poster.counters;
    return {
      ...counters,
      dropped: counters.dropped + this.shadowSkipped,
      shadowErrors: this.shadowErrors,
      shadowSkipped: this.shadowSkipped,
      queued: this.poster.queued,
      configAgeS: this.poller.ageSeconds(),
    };
  }

  /**
   * Stops polling, waits for running shadow paths and posts what is queued, all within `timeoutMs`
   * (default 5000); what could not be posted by then is counted as dropped. Calls made afterwards
   * still serve per the last config but shadow nothing. Resolves with the final stats.
   */
  close(timeoutMs = 5000): Promise<ShadowStats> {
    if (this.closing === null) {
      this.closing = this.shutdown(timeoutMs);
    }
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<ShadowStats> {
    const deadline = performance.now() + timeoutMs;
    this.poller.stop();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.pending]), expired]);
    clearTimeout(timer);
    await this.poster.close(Math.max(0, deadline - performance.now()));
    return this.stats();
  }

  private runShadow<T>(fn: () => T | PromiseLike<T>): Promise<SideOutcome> {
    const started = performance.now();
    return new Promise<SideOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SideOutcome): void => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          this.running -= 1;
          if (outcome.error !== null) {
            this.shadowErrors += 1;
          }
          resolve(outcome);
        }
      };
      const timer = setTimeout(() => {
        finish({
          ms: ms(started),
          json: null,
          error: { type: "ShadowTimeout", message: `the shadow path ran longer than ${this.shadowTimeoutMs} ms` },
        });
      }, this.shadowTimeoutMs);
      timer.unref();
      invoke(fn).then(
        (value) => finish(this.resolved(value, started)),
        (error: unknown) => finish({ ms: ms(started), json: null, error: describe(error) }),
      );
    });
  }

  /**
   * A side's value as JSON text. One that cannot be serialized (a cycle, a throwing toJSON) makes the
   * side an error of type `SerializationError`, so the pair posts as an error, not as a false mismatch.
   */
  private resolved(value: unknown, started: number): SideOutcome {
    const took = ms(started);
    try {
      return { ms: took, json: toJson(value, this.encode), error: null };
    } catch (error) {
      this.onError(error);
      return { ms: took, json: null, error: { type: "SerializationError", message: describe(error).message } };
    }
  }

  private enqueue(
    module: string,
    queryName: string,
    requestId: string | undefined,
    context: Record<string, unknown> | undefined,
    spec: Record<string, unknown> | undefined,
    legacy: SideOutcome,
    orm: SideOutcome,
  ): void {
    let text = `{"module":${JSON.stringify(module)},"query_name":${JSON.stringify(queryName)},"pair_id":"${randomUUID()}"`;
    if (requestId !== undefined) {
      text += `,"request_id":${JSON.stringify(requestId)}`;
    }
    if (context !== undefined) {
      let json = "";
      try {
        json = toJson(context, this.encode);
      } catch (error) {
        this.onError(error);
      }
      if (json !== "" && Buffer.byteLength(json) <= MAX_CONTEXT_BYTES) {
        text += `,"context":${json}`;
      } else if (json !== "") {
        this.onError(new Error(`the context of ${module}/${queryName} is over 8 KB as JSON; the pair goes without it`));
      }
    }
    if (spec !== undefined) {
      text += `,"spec":${JSON.stringify(spec)}`;
    }
    text += `,"legacy":${side(legacy)},"orm":${side(orm)}}`;
    this.poster.enqueue(text, module);
  }

  private learn(module: string, answer: Record<string, unknown>): void {
    const { state, version } = answer;
    if (isState(state) && typeof version === "number") {
      this.poller.learn(module, state, version);
    }
  }
}

function side(outcome: SideOutcome): string {
  const error = outcome.error === null ? "" : `,"error":${JSON.stringify(outcome.error)}`;
  return `{"result":${outcome.json ?? "null"},"latency_ms":${outcome.ms}${error}}`;
}
