/**
 * What /v1/config says and what it means for one call: which path serves and whether the other runs.
 *
 * `decide` is a pure function of the config, the module and the request id, so every rule of the
 * lifecycle is in one place and testable without a service:
 *
 * | state      | serves                                  | shadows (when sampled)       |
 * | ---------- | --------------------------------------- | ---------------------------- |
 * | (no config yet) | legacy                             | nothing                      |
 * | `legacy`   | legacy                                  | nothing                      |
 * | `shadow`   | legacy                                  | ORM                          |
 * | `orm`      | ORM (legacy for requests past `serve_rate`) | the path that does not serve |
 * | `migrated` | ORM                                     | nothing                      |
 * | retired    | the path the config names (`serves`)    | nothing, posts nothing       |
 *
 * A module the config does not list is in the config's `default_state` (`shadow` when the service does
 * not say; `legacy` for anything but `shadow`, since a module never registers where the ORM serves) at
 * `default_sample_rate` (1 when the service does not say, its own default), so a new module registers
 * itself with its first pair. The Python client (clients/python, `_plan.py`) decides the same way.
 */
import { isSampled, isServedByOrm } from "./hash.js";

export const STATES = ["legacy", "shadow", "orm", "migrated"] as const;
export type State = (typeof STATES)[number];
export type Side = "legacy" | "orm";

export interface ModuleConfig {
  state?: State;
  sample_rate?: number;
  serve_rate?: number;
  version?: number;
  retired?: boolean;
  serves?: Side;
}

export interface Config {
  default_sample_rate?: number;
  default_state?: State;
  modules: Record<string, ModuleConfig>;
}

export interface Decision {
  /** The path whose result and exception the caller gets. */
  serve: Side;
  /** Whether the other path runs too and the pair is posted. */
  shadow: boolean;
}

const LEGACY_ONLY: Decision = Object.freeze({ serve: "legacy", shadow: false });
const ORM_ONLY: Decision = Object.freeze({ serve: "orm", shadow: false });

export function isState(value: unknown): value is State {
  return typeof value === "string" && (STATES as readonly string[]).includes(value);
}

function rate(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** A module registers in `shadow` or `legacy`, never in a state where the ORM serves (SPEC section 3). */
function defaultState(config: Config): State {
  const state = config.default_state ?? "shadow";
  return state === "shadow" ? "shadow" : "legacy";
}

export function decide(config: Config | null, module: string, requestId: string | null | undefined): Decision {
  if (config === null) {
    return LEGACY_ONLY;
  }
  const entry = Object.hasOwn(config.modules, module) ? config.modules[module] : undefined;
  if (entry?.retired === true) {
    return entry.serves === "orm" ? ORM_ONLY : LEGACY_ONLY;
  }
  const state = entry === undefined ? defaultState(config) : entry.state;
  const sampleRate = rate(entry?.sample_rate, rate(config.default_sample_rate, 1));
  switch (state) {
    case "shadow":
      return { serve: "legacy", shadow: isSampled(module, requestId, sampleRate) };
    case "orm": {
      // serve_rate is the share of requests the ORM serves; a service that does not send it serves all.
      const serve: Side = isServedByOrm(module, requestId, rate(entry?.serve_rate, 1)) ? "orm" : "legacy";
      return { serve, shadow: isSampled(module, requestId, sampleRate) };
    }
    case "migrated":
      return ORM_ONLY;
    default:
      // `legacy`, and a state this client does not know: the path that always existed, nothing else.
      return LEGACY_ONLY;
  }
}

/** Reads a /v1/config body defensively: a malformed module entry is kept out, never thrown on. */
export function parseConfig(body: unknown): Config | null {
  if (typeof body !== "object" || body === null) {
    return null;
  }
  const raw = body as Record<string, unknown>;
  const modules: Record<string, ModuleConfig> = {};
  const listed = raw.modules;
  if (typeof listed === "object" && listed !== null) {
    for (const [name, value] of Object.entries(listed as Record<string, unknown>)) {
      if (typeof value === "object" && value !== null) {
        const v = value as Record<string, unknown>;
        const entry: ModuleConfig = {};
        if (isState(v.state)) entry.state = v.state;
        if (typeof v.sample_rate === "number") entry.sample_rate = v.sample_rate;
        if (typeof v.serve_rate === "number") entry.serve_rate = v.serve_rate;
        if (typeof v.version === "number") entry.version = v.version;
        if (v.retired === true) entry.retired = true;
        if (v.serves === "legacy" || v.serves === "orm") entry.serves = v.serves;
        modules[name] = entry;
      }
    }
  }
  const config: Config = { modules };
  if (typeof raw.default_sample_rate === "number") config.default_sample_rate = raw.default_sample_rate;
  if (isState(raw.default_state)) config.default_state = raw.default_state;
  return config;
}
