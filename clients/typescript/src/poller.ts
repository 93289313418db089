/**
 * Background GET /v1/config with ETag: one request every `intervalMs`, never two at once.
 *
 * The last good config is kept while the service is down or answers garbage: a backend keeps serving
 * the paths it was told about rather than falling back on every blip. Before the first good answer
 * there is no config (`current()` is null) and `decide` serves legacy and shadows nothing.
 * A pair's answer carries the module's state and version; `learn` applies a newer one at once, so a
 * rollback reaches this process at its next post rather than its next poll.
 */
import { type Config, type ModuleConfig, type State, parseConfig } from "./config.js";

export interface PollerOptions {
  url: string;
  headers: Record<string, string>;
  intervalMs: number;
  timeoutMs: number;
  onError: (error: unknown) => void;
}

export class ConfigPoller {
  private readonly options: PollerOptions;
  private config: Config | null = null;
  private etag: string | null = null;
  private lastOk: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private inFlight: Promise<boolean> | null = null;

  constructor(options: PollerOptions) {
    this.options = options;
  }

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  current(): Config | null {
    return this.config;
  }

  /** Seconds since the service last confirmed the config (200 or 304); null before the first answer. */
  ageSeconds(): number | null {
    return this.lastOk === null ? null : (performance.now() - this.lastOk) / 1000;
  }

  /** One poll now (also what the timer runs); true when the service answered. */
  refresh(): Promise<boolean> {
    if (this.inFlight === null) {
      this.inFlight = this.poll().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** A module's state and version from a pair's answer: applied when newer than what the config says. */
  learn(module: string, state: State, version: number): void {
    const config = this.config;
    if (config === null) {
      return;
    }
    const known = Object.hasOwn(config.modules, module) ? config.modules[module] : undefined;
    if (known !== undefined && (known.retired === true || (known.version ?? -1) >= version)) {
      return;
    }
    const updated: ModuleConfig = { ...known, state, version };
    this.config = { ...config, modules: { ...config.modules, [module]: updated } };
  }

  private async tick(): Promise<void> {
    if (this.stopped) {
      return;
    }
    await this.refresh();
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  private async poll(): Promise<boolean> {
    const headers: Record<string, string> = { ...this.options.headers, accept: "application/json" };
    if (this.etag !== null && this.config !== null) {
      headers["if-none-match"] = this.etag;
    }
    try {
      const response = await fetch(`${this.options.url}/v1/config`, {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (response.status === 304) {
        await response.body?.cancel();
        this.lastOk = performance.now();
        return true;
      }
      if (response.status === 401 || response.status === 403) {
        throw new Error(
          `config refused (GET /v1/config answered ${response.status}: ${await messageOf(response)}); ` +
            `check the token given to new Shadow({ url, token }); ${this.meanwhile()}`,
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`config unreachable (GET /v1/config answered ${response.status}); ${this.meanwhile()}`);
      }
      const parsed = parseConfig(await response.json());
      if (parsed === null) {
        throw new Error("GET /v1/config answered something that is not a config object");
      }
      this.config = this.keepLearned(parsed);
      this.etag = response.headers.get("etag");
      this.lastOk = performance.now();
      return true;
    } catch (error) {
      this.options.onError(error);
      return false;
    }
  }

  /** What calls do while the config cannot be read: whether the client still shadows (a kept copy) or
   * not at all (none yet) is what a person reading the warning needs to know. */
  private meanwhile(): string {
    return this.config === null
      ? "until it answers, every call serves legacy and nothing is shadowed"
      : "keeping the last good copy";
  }

  /** A replica that has not seen a change yet must not undo a newer state learned from a pair's answer. */
  private keepLearned(fresh: Config): Config {
    const old = this.config;
    if (old === null) {
      return fresh;
    }
    for (const [module, entry] of Object.entries(old.modules)) {
      const now = Object.hasOwn(fresh.modules, module) ? fresh.modules[module] : undefined;
      if (now !== undefined && (entry.version ?? -1) > (now.version ?? -1) && now.retired !== true) {
        fresh.modules[module] = { ...now, state: entry.state, version: entry.version };
      }
    }
    return fresh;
  }
}

/** The service's own words for a refusal (its JSON `message`), else the start of the body. */
async function messageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { message?: unknown }).message === "string") {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 200);
}
