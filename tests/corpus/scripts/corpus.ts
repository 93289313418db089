// What the MariaDB and SQLite corpora share: a case's shape, the engine's names for differences, and the
// writer of fixtures/*.json. (The PostgreSQL corpus predates them and keeps its own copy in cases.ts.)
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { type Replacer, resJson } from "./express.ts";

export type Spec = {
  key?: string[];
  ordered?: boolean | string[];
  ignore?: string[];
  rename?: Record<string, string>;
  types?: Record<string, "bool" | "json" | "epoch_s" | "epoch_ms" | "epoch_us" | "text">;
  time_precision?: string | number;
  naive_time_zone?: string;
  strict_types?: boolean;
} | null;
export type ExpectedDifference = { field: string; kind: string; path: string };
export type Expected = { equal: boolean; differences: ExpectedDifference[] };

/** One side: the query, and the json replacer of the Express app that serves it. */
export type Side<R> = { read(r: R): Promise<unknown>; replacer: Replacer };

export type Case<R> = {
  id: string;
  module: string;
  queryName: string;
  description: string;
  /** The porting mistake (mostly in the ORM code, some on the legacy side or in the spec), or null. */
  plantedBug: string | null;
  spec: Spec;
  legacy: Side<R>;
  orm: Side<R>;
  /** Worked out from the seed rows, never from either reader's output. */
  expected(): Expected;
};

// ---- how the engine names things (SPEC section 2; the path grammar is the engine's report format) ----
export const ROW = "__row__";
export const ORDER = "__order__";
export const row = (key: string, value: string | number): string => `[${key}=${value}]`;
export const at = (base: string, ...names: string[]): string => [base, ...names].filter(Boolean).join(".");
export const EQUAL: Expected = { equal: true, differences: [] };
export const differs = (differences: ExpectedDifference[]): Expected => {
  if (differences.length === 0) {
    throw new Error("a planted bug whose seed rows produce no difference plants nothing");
  }
  return { equal: false, differences };
};
export const changed = (field: string, path: string): ExpectedDifference => ({ field, kind: "changed", path });

/** The first row, in legacy order, whose place among the rows differs on the ORM side. */
export function firstMoved(legacyOrder: string[], ormOrder: string[]): string {
  const moved = legacyOrder.find((id, rank) => ormOrder.indexOf(id) !== rank);
  if (moved === undefined) {
    throw new Error("a wrong-order case needs rows in a different order");
  }
  return moved;
}

async function timed<R>(side: Side<R>, readers: R): Promise<{ result: unknown; latency_ms: number }> {
  const started = process.hrtime.bigint();
  const raw = await side.read(readers);
  const latency = Number(process.hrtime.bigint() - started) / 1e6;
  return { result: resJson(raw, side.replacer), latency_ms: Math.round(latency * 100) / 100 };
}

/** Removes the old fixtures of `dir`, then writes one `<case>.json` per case. */
export async function writeFixtures<R>(dir: string, cases: Case<R>[], readers: R): Promise<void> {
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) {
      throw new Error(`two cases named ${c.id}`);
    }
    ids.add(c.id);
  }
  await mkdir(dir, { recursive: true });
  for (const old of await readdir(dir)) {
    if (old.endsWith(".json")) {
      await rm(path.join(dir, old));
    }
  }
  for (const c of cases) {
    const legacy = await timed(c.legacy, readers);
    const orm = await timed(c.orm, readers);
    const pair: Record<string, unknown> = { module: c.module, query_name: c.queryName, legacy, orm };
    if (c.spec !== null) {
      pair.spec = c.spec;
    }
    const body = { case: c.id, description: c.description, planted_bug: c.plantedBug, pair, expected: c.expected() };
    await writeFile(path.join(dir, `${c.id}.json`), `${JSON.stringify(body, null, 2)}\n`);
    console.log(`wrote ${path.basename(dir)}/${c.id}.json`);
  }
}
