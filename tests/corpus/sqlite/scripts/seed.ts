// Rows for the task tracker in prisma/schema.sql, chosen where better-sqlite3 and Prisma disagree in
// representation: instants as epoch milliseconds and as datetime() text (with and without a fraction),
// 0/1 booleans, DECIMAL values SQLite keeps as REAL or INTEGER (12.5, 5e-8, 2000), a BIGINT above 2^53,
// JSON objects, arrays and a JSON scalar in text, BLOBs, NULLs, and a self-relation.
import type Database from "better-sqlite3";

export type ProjectSeed = {
  id: number;
  name: string;
  archived: boolean;
  budget: number;
  createdAt: number;
  settings: unknown;
  ownerId: number | null;
};

export type TaskSeed = {
  id: number;
  projectId: number;
  title: string;
  done: boolean;
  priority: number;
  estimate: number | null;
  cost: number | null;
  views: bigint;
  dueAt: number | null;
  loggedAt: string;
  meta: unknown;
  attachment: Buffer | null;
};

/** Epoch milliseconds of a UTC wall time, as Date.now() would have stored it. */
const ms = (iso: string): number => Date.parse(`${iso}Z`);

export const PROJECTS: ProjectSeed[] = [
  { id: 1, name: "Apollo", archived: false, budget: 1520.5, createdAt: ms("2021-03-01T09:15:27.123"),
    settings: { color: "#ff8800", labels: ["ops", "web"], notify: { email: true } }, ownerId: null },
  { id: 2, name: "Gemini", archived: true, budget: 0, createdAt: ms("2020-02-29T00:00:00.000"), settings: {}, ownerId: 1 },
  { id: 3, name: "Mercury", archived: false, budget: 2000, createdAt: ms("2025-06-30T23:59:59.999"),
    settings: { color: "#00aa00", labels: [] }, ownerId: 1 },
  { id: 4, name: "Skylab", archived: false, budget: 0.05, createdAt: ms("1970-01-01T00:00:00.001"),
    settings: { archivedBy: null }, ownerId: 3 },
];

const png = (seed: number): Buffer => Buffer.from([0x89, 0x50, 0x4e, 0x47, seed, 0x00, 0xff, 0x0a]);

export const TASKS: TaskSeed[] = [
  { id: 1, projectId: 1, title: "Design the lander", done: true, priority: 1, estimate: 0.7, cost: 12.5,
    views: 9007199254740993n, dueAt: ms("2025-01-01T00:00:00.000"), loggedAt: "2025-01-01 10:00:00",
    meta: { tags: ["hw"], points: 3 }, attachment: png(1) },
  { id: 2, projectId: 1, title: "Write the guidance software", done: false, priority: 1, estimate: 13.75,
    cost: 0.00000005, views: 42n, dueAt: ms("2025-03-30T01:30:00.250"), loggedAt: "2025-03-30 01:30:00.250",
    meta: "urgent", attachment: null },
  { id: 3, projectId: 1, title: "Test the abort sequence", done: false, priority: 2, estimate: null, cost: null,
    views: 0n, dueAt: null, loggedAt: "2024-02-29 23:59:59", meta: null, attachment: Buffer.from([]) },
  { id: 4, projectId: 2, title: "Archive the old telemetry", done: true, priority: 3, estimate: 1.5, cost: 2000,
    views: 7n, dueAt: ms("2020-03-01T12:00:00.000"), loggedAt: "2020-03-01 12:00:00.5", meta: [1, "two"],
    attachment: png(4) },
  { id: 5, projectId: 3, title: `Long title: ${"countdown, ".repeat(12)}liftoff`, done: false, priority: 2,
    estimate: 0.1, cost: 99.99, views: 1234567890123n, dueAt: ms("2025-07-01T00:00:00.000"),
    loggedAt: "2025-06-30 23:30:00", meta: { tags: [], points: 0 }, attachment: png(5) },
  { id: 6, projectId: 3, title: "Pick a crew", done: false, priority: 3, estimate: 2.25, cost: 1,
    views: 3n, dueAt: ms("2025-08-01T12:00:00.001"), loggedAt: "2025-08-01 12:00:00.001", meta: { tags: ["people"] },
    attachment: null },
  { id: 7, projectId: 4, title: "Deorbit", done: true, priority: 1, estimate: 8, cost: 0.3, views: 1n,
    dueAt: ms("1979-07-11T16:37:00.000"), loggedAt: "1979-07-11 16:37:00", meta: {}, attachment: png(7) },
];

/** muted as stored: 0/1, and a 2 that a legacy import wrote into the BOOLEAN column. */
export type WatcherSeed = { id: number; taskId: number; email: string; muted: 0 | 1 | 2 };

export const WATCHERS: WatcherSeed[] = [
  { id: 1, taskId: 1, email: "ops@example.com", muted: 0 },
  { id: 2, taskId: 1, email: "pm@example.com", muted: 1 },
  { id: 3, taskId: 2, email: "ops@example.com", muted: 2 },
  { id: 4, taskId: 5, email: "crew@example.com", muted: 0 },
];

export function seed(db: Database.Database): void {
  const project = db.prepare(
    "INSERT INTO projects (id, name, archived, budget, created_at, settings, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  for (const p of PROJECTS) {
    project.run(p.id, p.name, p.archived ? 1 : 0, p.budget, p.createdAt, JSON.stringify(p.settings), null);
  }
  const owner = db.prepare("UPDATE projects SET owner_id = ? WHERE id = ?");
  for (const p of PROJECTS) {
    if (p.ownerId !== null) {
      owner.run(p.ownerId, p.id);
    }
  }
  const task = db.prepare(
    `INSERT INTO tasks (id, project_id, title, done, priority, estimate, cost, views, due_at, logged_at, meta, attachment)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of TASKS) {
    task.run(
      t.id, t.projectId, t.title, t.done ? 1 : 0, t.priority, t.estimate, t.cost, t.views, t.dueAt, t.loggedAt,
      t.meta === null ? null : JSON.stringify(t.meta), t.attachment,
    );
  }
  const watcher = db.prepare("INSERT INTO watchers (id, task_id, email, muted) VALUES (?, ?, ?, ?)");
  for (const w of WATCHERS) {
    watcher.run(w.id, w.taskId, w.email, w.muted);
  }
}
