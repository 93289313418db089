// The SQLite fixture pairs: one query read the legacy way (raw SQL through better-sqlite3 12) and the
// Prisma 7 way (@prisma/adapter-better-sqlite3), each side sent as its Express app's res.json sends it,
// with the outcome the engine must report. Expected differences of a planted bug come from the seed rows.
import type Database from "better-sqlite3";

import type { PrismaClient } from "../../generated/sqlite/client.ts";
import {
  at, type Case, changed, differs, EQUAL, type ExpectedDifference, firstMoved, ORDER, ROW, row,
} from "../../scripts/corpus.ts";
import { bigintAsNumber, bigintAsSafeNumber, bigintAsString } from "../../scripts/express.ts";
import { PROJECTS, TASKS, WATCHERS } from "./seed.ts";

/** `legacy`: better-sqlite3's defaults (INTEGER as a JS number, rounded above 2^53); `legacySafe`: a
 * connection with safeIntegers on (every INTEGER a BigInt). */
export type Readers = { legacy: Database.Database; legacySafe: Database.Database; prisma: PrismaClient };

const all = (db: Database.Database, sql: string, ...params: unknown[]): Record<string, unknown>[] =>
  db.prepare(sql).all(...params) as Record<string, unknown>[];
const one = (db: Database.Database, sql: string, ...params: unknown[]): unknown => db.prepare(sql).get(...params) ?? null;

/** The legacy Express app on default integers: nothing is a BigInt, the replacer never fires. */
const sql = (read: (r: Readers) => unknown) => ({ read: async (r: Readers) => read(r), replacer: bigintAsString });
/** The legacy app on safeIntegers: a BigInt goes out as a number when it is safe, else as a string. */
const sqlSafe = (read: (r: Readers) => unknown) => ({ read: async (r: Readers) => read(r), replacer: bigintAsSafeNumber });
/** The ported Express app: every BigInt as a decimal string. */
const orm = (read: (r: Readers) => Promise<unknown>) => ({ read, replacer: bigintAsString });

const millis = (epochMs: number): number => ((epochMs % 1000) + 1000) % 1000;

async function withTimeZone<T>(tz: string, body: () => T): Promise<T> {
  const previous = process.env.TZ;
  process.env.TZ = tz;
  try {
    return body();
  } finally {
    process.env.TZ = previous;
  }
}

const TASK_JSON = `json_object('id', t.id, 'title', t.title, 'done', t.done, 'estimate', t.estimate, 'cost', t.cost,
    'due_at', t.due_at, 'logged_at', t.logged_at, 'meta', json(t.meta))`;

function projectWithTasksLegacy(extraWhere: string, projectId: number) {
  return ({ legacy }: Readers) =>
    one(
      legacy,
      `SELECT p.id, p.name, p.budget,
              (SELECT json_group_array(${TASK_JSON}) FROM tasks t WHERE t.project_id = p.id ${extraWhere}) AS tasks
         FROM projects p WHERE p.id = ?`,
      projectId,
    );
}

const TASK_SELECT = {
  id: true, title: true, done: true, estimate: true, cost: true, dueAt: true, loggedAt: true, meta: true,
} as const;

const FLAT_PROJECT_SQL = `SELECT t.id, t.title, p.name AS project_name, p.archived AS project_archived
  FROM tasks t JOIN projects p ON p.id = t.project_id ORDER BY t.id`;
const FLAT_PROJECT_RENAME = { project_name: "project.name", project_archived: "project.archived" };
const flatProjectOrm = ({ prisma }: Readers) =>
  prisma.task.findMany({
    select: { id: true, title: true, project: { select: { name: true, archived: true } } },
    orderBy: { id: "asc" },
  });

/** Tasks by priority (1 first), then id: the order of the ordered task list. */
const byPriority = [...TASKS].sort((a, b) => a.priority - b.priority || a.id - b.id);
const MAX_PRIORITY = 2;

export const CASES: Case<Readers>[] = [
  // ---------------------------------------------------------------- pairs equal in data
  {
    id: "getTaskById",
    module: "tasks",
    queryName: "getTaskById",
    description:
      "One task, every column set: SELECT * vs findUnique. BOOLEAN 1 vs true, epoch-ms DATETIME " +
      "1735689600000 vs ISO, datetime() text vs ISO, DECIMAL 12.5 vs '12.5', BIGINT above 2^53 (safeIntegers) " +
      "as text on both sides, JSON text vs parsed, BLOB Buffer JSON vs a Uint8Array's index object.",
    plantedBug: null,
    spec: null,
    legacy: sqlSafe(({ legacySafe }) => one(legacySafe, "SELECT * FROM tasks WHERE id = ?", 1)),
    orm: orm(({ prisma }) => prisma.task.findUnique({ where: { id: 1 } })),
    expected: () => EQUAL,
  },
  {
    id: "getTaskById__nulls",
    module: "tasks",
    queryName: "getTaskById",
    description: "A task whose nullable columns are NULL and whose BLOB is empty (Buffer JSON with no data vs {}).",
    plantedBug: null,
    spec: null,
    legacy: sql(({ legacy }) => one(legacy, "SELECT * FROM tasks WHERE id = ?", 3)),
    orm: orm(({ prisma }) => prisma.task.findUnique({ where: { id: 3 } })),
    expected: () => EQUAL,
  },
  {
    id: "listTasks",
    module: "tasks",
    queryName: "listTasks",
    description:
      "Every task, all columns, by priority then id. One task's JSON holds a scalar ('\"urgent\"' vs 'urgent'), " +
      "so the backend declares meta as json.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, types: { meta: "json" } },
    legacy: sqlSafe(({ legacySafe }) => all(legacySafe, "SELECT * FROM tasks ORDER BY priority, id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ orderBy: [{ priority: "asc" }, { id: "asc" }] })),
    expected: () => EQUAL,
  },
  {
    id: "listProjects",
    module: "projects",
    queryName: "listProjects",
    description: "Every project: archived 0/1, budget DECIMAL (REAL or INTEGER in SQLite), created_at epoch ms, settings JSON text.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT * FROM projects ORDER BY id")),
    orm: orm(({ prisma }) => prisma.project.findMany({ orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },
  {
    id: "countOpenTasks",
    module: "tasks",
    queryName: "countOpenTasks",
    description: "A scalar: count(*) of open tasks.",
    plantedBug: null,
    spec: null,
    legacy: sql(({ legacy }) => (one(legacy, "SELECT count(*) AS n FROM tasks WHERE done = 0") as { n: number }).n),
    orm: orm(({ prisma }) => prisma.task.count({ where: { done: false } })),
    expected: () => EQUAL,
  },
  {
    id: "getBudgetTotals",
    module: "projects",
    queryName: "getBudgetTotals",
    description: "sum/avg of a DECIMAL column (REAL in SQLite) vs Prisma's Decimal aggregates; max(created_at) epoch ms vs ISO.",
    plantedBug: null,
    spec: null,
    legacy: sql(({ legacy }) =>
      one(legacy, "SELECT sum(budget) AS total, max(created_at) AS latest, min(created_at) AS earliest FROM projects"),
    ),
    orm: orm(async ({ prisma }) => {
      const a = await prisma.project.aggregate({ _sum: { budget: true }, _max: { createdAt: true }, _min: { createdAt: true } });
      return { total: a._sum.budget, latest: a._max.createdAt, earliest: a._min.createdAt };
    }),
    expected: () => EQUAL,
  },
  {
    id: "listTasksWithProject",
    module: "tasks",
    queryName: "listTasksWithProject",
    description:
      "Tasks with their project: a JOIN with flat project_* columns (archived 0/1) vs include of the relation " +
      "(archived true/false), mapped by dotted rename targets.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, rename: FLAT_PROJECT_RENAME },
    legacy: sql(({ legacy }) => all(legacy, FLAT_PROJECT_SQL)),
    orm: orm(flatProjectOrm),
    expected: () => EQUAL,
  },
  {
    id: "listProjectsWithOwner",
    module: "projects",
    queryName: "listProjectsWithOwner",
    description:
      "A LEFT JOIN of the self-relation (flat owner_* columns, NULL without an owner) vs the owner relation " +
      "(null without one), mapped by dotted rename targets.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, rename: { owner_name: "owner.name", owner_created_at: "owner.createdAt" } },
    legacy: sql(({ legacy }) =>
      all(
        legacy,
        `SELECT p.id, p.name, o.name AS owner_name, o.created_at AS owner_created_at
           FROM projects p LEFT JOIN projects o ON o.id = p.owner_id ORDER BY p.id`,
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.project.findMany({
        select: { id: true, name: true, owner: { select: { name: true, createdAt: true } } },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "getProjectWithTasks",
    module: "projects",
    queryName: "getProjectWithTasks",
    description:
      "A project with a json_group_array of its tasks, sent as the JSON text SQLite returns (0/1, epoch ms, " +
      "datetime() text, REAL costs inside) vs include (booleans, ISO instants, Decimal strings).",
    plantedBug: null,
    spec: null,
    legacy: sql(projectWithTasksLegacy("", 1)),
    orm: orm(({ prisma }) =>
      prisma.project.findUnique({
        where: { id: 1 },
        select: { id: true, name: true, budget: true, tasks: { select: TASK_SELECT } },
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listTaskMeta",
    module: "tasks",
    queryName: "listTaskMeta",
    description: "JSON text (objects, an array, a scalar, NULL) vs Prisma's parsed Json, meta declared json.",
    plantedBug: null,
    spec: { key: ["id"], types: { meta: "json" } },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, meta FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, meta: true }, orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },
  {
    id: "listTaskAttachments",
    module: "tasks",
    queryName: "listTaskAttachments",
    description: "BLOBs: Buffer JSON ({\"type\": \"Buffer\", \"data\": [...]}) vs a Uint8Array without a replacer ({\"0\": 137, ...}).",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, attachment FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, attachment: true }, orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },
  {
    id: "listTaskTimes",
    module: "tasks",
    queryName: "listTaskTimes",
    description:
      "Both instant storages: due_at epoch ms (numbers) and logged_at datetime() text ('2025-03-30 " +
      "01:30:00.250', '2020-03-01 12:00:00.5', no fraction) vs ISO instants.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, due_at, logged_at FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) =>
      prisma.task.findMany({ select: { id: true, dueAt: true, loggedAt: true }, orderBy: { id: "asc" } }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listTaskTimes__strftime_seconds",
    module: "tasks",
    queryName: "listTaskTimes",
    description: "The legacy SQL formats due_at with strftime to whole seconds ('…T00:00:00Z'); compared at the coarser precision.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      all(legacy, "SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', due_at / 1000, 'unixepoch') AS due_at FROM tasks ORDER BY id"),
    ),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, dueAt: true }, orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },
  {
    id: "listTaskTimes__bigint_text",
    module: "tasks",
    queryName: "listTaskTimes",
    description:
      "A legacy service on safeIntegers whose replacer sends every BigInt as a string: ids, 0/1 booleans and " +
      "epoch milliseconds arrive as integer text ('1735689600000') against Prisma's numbers, booleans and ISO instants.",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: {
      read: async ({ legacySafe }) => all(legacySafe, "SELECT id, done, priority, due_at FROM tasks ORDER BY id"),
      replacer: bigintAsString,
    },
    orm: orm(({ prisma }) =>
      prisma.task.findMany({ select: { id: true, done: true, priority: true, dueAt: true }, orderBy: { id: "asc" } }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listTaskCosts",
    module: "tasks",
    queryName: "listTaskCosts",
    description: "DECIMAL as SQLite keeps it (REAL 12.5, 5e-08, INTEGER 2000) vs decimal.js text ('12.5', '5e-8', '2000').",
    plantedBug: null,
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, cost, estimate FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, cost: true, estimate: true }, orderBy: { id: "asc" } })),
    expected: () => EQUAL,
  },

  {
    id: "listTasks__raw",
    module: "tasks",
    queryName: "listTasks",
    description:
      "The port reads the task list through $queryRaw: the adapter turns DATETIME into Dates, BOOLEAN into " +
      "booleans, BIGINT into BigInt, BLOB into a Uint8Array, and leaves JSON as text (meta declared json).",
    plantedBug: null,
    spec: { key: ["id"], ordered: true, types: { meta: "json" } },
    legacy: sqlSafe(({ legacySafe }) => all(legacySafe, "SELECT * FROM tasks ORDER BY priority, id")),
    orm: orm(({ prisma }) => prisma.$queryRaw`SELECT * FROM tasks ORDER BY priority, id`),
    expected: () => EQUAL,
  },
  {
    id: "taskStatsByProject",
    module: "tasks",
    queryName: "taskStatsByProject",
    description:
      "GROUP BY project_id: count, sum of a DECIMAL (REAL in SQLite), avg of a REAL, max of epoch-ms " +
      "DATETIMEs vs Prisma's groupBy (Decimal sum, ISO max).",
    plantedBug: null,
    spec: { key: ["project_id"], ordered: true },
    legacy: sql(({ legacy }) =>
      all(
        legacy,
        `SELECT project_id, count(*) AS tasks, sum(cost) AS cost, avg(estimate) AS avg_estimate, max(due_at) AS last_due_at
           FROM tasks GROUP BY project_id ORDER BY project_id`,
      ),
    ),
    orm: orm(async ({ prisma }) =>
      (
        await prisma.task.groupBy({
          by: ["projectId"],
          _count: { _all: true },
          _sum: { cost: true },
          _avg: { estimate: true },
          _max: { dueAt: true },
          orderBy: { projectId: "asc" },
        })
      ).map((g) => ({
        projectId: g.projectId,
        tasks: g._count._all,
        cost: g._sum.cost,
        avgEstimate: g._avg.estimate,
        lastDueAt: g._max.dueAt,
      })),
    ),
    expected: () => EQUAL,
  },
  {
    id: "listOpenTasksByDue",
    module: "tasks",
    queryName: "listOpenTasksByDue",
    description: "Open tasks, soonest due first (a NULL due date first on both sides, as SQLite sorts NULLs).",
    plantedBug: null,
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) =>
      all(legacy, "SELECT id, title, due_at, done FROM tasks WHERE done = 0 ORDER BY due_at, id"),
    ),
    orm: orm(({ prisma }) =>
      prisma.task.findMany({
        where: { done: false },
        select: { id: true, title: true, dueAt: true, done: true },
        orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      }),
    ),
    expected: () => EQUAL,
  },
  {
    id: "getProjectWithTasks__ordered",
    module: "projects",
    queryName: "getProjectWithTasks",
    description:
      "A project with its tasks in due order, for a page that shows them so: json_group_array over an " +
      "ordered subquery vs include with orderBy; spec ordered ['', 'tasks'].",
    plantedBug: null,
    spec: { ordered: ["", "tasks"] },
    legacy: sql(({ legacy }) =>
      one(
        legacy,
        `SELECT p.id, p.name, p.budget,
                (SELECT json_group_array(${TASK_JSON})
                   FROM (SELECT * FROM tasks WHERE project_id = p.id ORDER BY due_at DESC, id) AS t) AS tasks
           FROM projects p WHERE p.id = ?`,
        3,
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.project.findUnique({
        where: { id: 3 },
        select: {
          id: true, name: true, budget: true,
          tasks: { select: TASK_SELECT, orderBy: [{ dueAt: "desc" }, { id: "asc" }] },
        },
      }),
    ),
    expected: () => EQUAL,
  },

  // ---------------------------------------------------------------- planted bugs
  {
    id: "listTasks__wrong_order",
    module: "tasks",
    queryName: "listTasksByPriority",
    description: "Tasks, most urgent (priority 1) first.",
    plantedBug: "The port orders by priority descending; the spec says order matters.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, title, priority FROM tasks ORDER BY priority, id")),
    orm: orm(({ prisma }) =>
      prisma.task.findMany({
        select: { id: true, title: true, priority: true },
        orderBy: [{ priority: "desc" }, { id: "asc" }],
      }),
    ),
    expected: () => {
      const desc = [...TASKS].sort((a, b) => b.priority - a.priority || a.id - b.id);
      const moved = firstMoved(byPriority.map((t) => String(t.id)), desc.map((t) => String(t.id)));
      return differs([{ field: ORDER, kind: "order", path: row("id", moved) }]);
    },
  },
  {
    id: "listUrgentTasks__lt_instead_of_lte",
    module: "tasks",
    queryName: "listUrgentTasks",
    description: `Tasks of priority ${MAX_PRIORITY} or more urgent.`,
    plantedBug: "The port filters with lt where SQL said <=: the tasks at the boundary are missing.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, title, priority FROM tasks WHERE priority <= ? ORDER BY id", MAX_PRIORITY)),
    orm: orm(({ prisma }) =>
      prisma.task.findMany({
        where: { priority: { lt: MAX_PRIORITY } },
        select: { id: true, title: true, priority: true },
        orderBy: { id: "asc" },
      }),
    ),
    expected: () =>
      differs(TASKS.filter((t) => t.priority === MAX_PRIORITY).map((t) => ({ field: ROW, kind: "missing_row", path: row("id", t.id) }))),
  },
  {
    id: "listTaskDeadlines__off_by_one",
    module: "tasks",
    queryName: "listTaskDeadlines",
    description: "The last moment before each task is due: due_at - 1 in SQL (epoch ms).",
    plantedBug: "The port thinks due_at is in seconds and subtracts 1000 ms: every deadline is 999 ms early.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, due_at - 1 AS last_moment FROM tasks WHERE due_at IS NOT NULL ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ where: { dueAt: { not: null } }, select: { id: true, dueAt: true }, orderBy: { id: "asc" } })).map(
        (t) => ({ id: t.id, lastMoment: new Date((t.dueAt as Date).getTime() - 1000) }),
      ),
    ),
    expected: () =>
      differs(TASKS.filter((t) => t.dueAt !== null).map((t) => changed("last_moment", at(row("id", t.id), "last_moment")))),
  },
  {
    id: "listTaskDeadlines__epoch_seconds",
    module: "tasks",
    queryName: "listTaskDueAt",
    description: "When each task is due, as the epoch milliseconds the legacy API always sent.",
    plantedBug: "The port sends Math.floor(dueAt.getTime() / 1000): epoch seconds where clients expect milliseconds.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, due_at FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, dueAt: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        dueAt: t.dueAt === null ? null : Math.floor(t.dueAt.getTime() / 1000),
      })),
    ),
    expected: () =>
      differs(TASKS.filter((t) => t.dueAt !== null && t.dueAt !== 0).map((t) => changed("due_at", at(row("id", t.id), "due_at")))),
  },
  {
    id: "listTaskDeadlines__lost_fraction",
    module: "tasks",
    queryName: "listTaskDueAt",
    description: "When each task is due (epoch ms).",
    plantedBug: "The port rounds due dates down to the second (a seconds-only cache): the milliseconds are lost.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, due_at FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, dueAt: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        dueAt: t.dueAt === null ? null : new Date(Math.floor(t.dueAt.getTime() / 1000) * 1000),
      })),
    ),
    expected: () =>
      differs(TASKS.filter((t) => t.dueAt !== null && millis(t.dueAt) !== 0).map((t) => changed("due_at", at(row("id", t.id), "due_at")))),
  },
  {
    id: "listTaskTimes__timezone_shift",
    module: "tasks",
    queryName: "listTaskDueTimes",
    description: "When each task is due, as text.",
    plantedBug:
      "The legacy SQL formats due_at with datetime(..., 'localtime') on a server in Europe/Berlin: local wall " +
      "time without an offset, read as UTC, against Prisma's UTC instants.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) =>
      withTimeZone("Europe/Berlin", () =>
        all(legacy, "SELECT id, datetime(due_at / 1000, 'unixepoch', 'localtime') AS due_at FROM tasks WHERE due_at IS NOT NULL ORDER BY id"),
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.task.findMany({ where: { dueAt: { not: null } }, select: { id: true, dueAt: true }, orderBy: { id: "asc" } }),
    ),
    expected: () => differs(TASKS.filter((t) => t.dueAt !== null).map((t) => changed("due_at", at(row("id", t.id), "due_at")))),
  },
  {
    id: "listProjects__active_inverted",
    module: "projects",
    queryName: "listProjectStates",
    description: "Each project with an active flag (NOT archived in SQL, 1/0).",
    plantedBug: "The port sends active: project.archived, forgetting the negation: every flag is inverted.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, name, NOT archived AS active FROM projects ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.project.findMany({ select: { id: true, name: true, archived: true }, orderBy: { id: "asc" } })).map(
        (p) => ({ id: p.id, name: p.name, active: p.archived }),
      ),
    ),
    expected: () => differs(PROJECTS.map((p) => changed("active", at(row("id", p.id), "active")))),
  },
  {
    id: "listTaskCosts__null_as_zero",
    module: "tasks",
    queryName: "listTaskCosts",
    description: "Each task's cost (DECIMAL, nullable).",
    plantedBug: "The port sends cost ?? 0: a task without a cost gets 0.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, cost FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, cost: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        cost: t.cost ?? 0,
      })),
    ),
    expected: () => differs(TASKS.filter((t) => t.cost === null).map((t) => changed("cost", at(row("id", t.id), "cost")))),
  },
  {
    id: "listTaskTitles__truncated",
    module: "tasks",
    queryName: "listTaskTitles",
    description: "Each task's title.",
    plantedBug: "The port's DTO cuts titles to 100 characters.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, title FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, title: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        title: t.title.slice(0, 100),
      })),
    ),
    expected: () => differs(TASKS.filter((t) => t.title.length > 100).map((t) => changed("title", at(row("id", t.id), "title")))),
  },
  {
    id: "listTaskLogTimes__wrong_column",
    module: "tasks",
    queryName: "listTaskLogTimes",
    description: "When work on each task was logged (datetime() text).",
    plantedBug: "The port's DTO fills loggedAt from dueAt.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, logged_at FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, dueAt: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        loggedAt: t.dueAt,
      })),
    ),
    expected: () =>
      differs(
        TASKS.filter((t) => t.dueAt === null || Date.parse(`${t.loggedAt.replace(" ", "T")}Z`) !== t.dueAt).map((t) =>
          changed("logged_at", at(row("id", t.id), "logged_at")),
        ),
      ),
  },
  {
    id: "listTaskViews__number_replacer",
    module: "tasks",
    queryName: "listTaskViews",
    description: "View counters (BIGINT), read with safeIntegers on the legacy side.",
    plantedBug: "The port's Express app sends BigInt through Number(): a counter above 2^53 is rounded.",
    spec: { key: ["id"] },
    legacy: sqlSafe(({ legacySafe }) => all(legacySafe, "SELECT id, views FROM tasks ORDER BY id")),
    orm: {
      read: ({ prisma }) => prisma.task.findMany({ select: { id: true, views: true }, orderBy: { id: "asc" } }),
      replacer: bigintAsNumber,
    },
    expected: () =>
      differs(
        TASKS.filter((t) => !Number.isSafeInteger(Number(t.views))).map((t) => changed("views", at(row("id", t.id), "views"))),
      ),
  },
  {
    id: "listTaskViews__legacy_default_integers",
    module: "tasks",
    queryName: "listTaskViews",
    description: "View counters (BIGINT).",
    plantedBug:
      "On the legacy side: better-sqlite3's default reads every INTEGER as a JS number, rounded above 2^53; " +
      "Prisma's BigInt keeps the digits.",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, views FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, views: true }, orderBy: { id: "asc" } })),
    expected: () =>
      differs(
        TASKS.filter((t) => !Number.isSafeInteger(Number(t.views))).map((t) => changed("views", at(row("id", t.id), "views"))),
      ),
  },
  {
    id: "getProjectWithTasks__lost_filter",
    module: "projects",
    queryName: "getProjectOpenTasks",
    description: "A project with its open tasks (json_group_array text vs include).",
    plantedBug: "The port's include lost its where (done: false): finished tasks come back nested.",
    spec: null,
    legacy: sql(projectWithTasksLegacy("AND t.done = 0", 1)),
    orm: orm(({ prisma }) =>
      prisma.project.findUnique({
        where: { id: 1 },
        select: { id: true, name: true, budget: true, tasks: { select: TASK_SELECT } },
      }),
    ),
    expected: () =>
      differs(
        TASKS.filter((t) => t.projectId === 1 && t.done).map((t) => ({ field: "tasks", kind: "extra_row", path: `tasks${row("id", t.id)}` })),
      ),
  },
  {
    id: "getProjectWithTasks__nested_order",
    module: "projects",
    queryName: "getProjectWithTasks",
    description: "A project with its tasks in due order (latest first), ordered ['', 'tasks'].",
    plantedBug: "The port's include orders the tasks by due date ascending.",
    spec: { ordered: ["", "tasks"] },
    legacy: sql(({ legacy }) =>
      one(
        legacy,
        `SELECT p.id, p.name, p.budget,
                (SELECT json_group_array(${TASK_JSON})
                   FROM (SELECT * FROM tasks WHERE project_id = p.id ORDER BY due_at DESC, id) AS t) AS tasks
           FROM projects p WHERE p.id = ?`,
        3,
      ),
    ),
    orm: orm(({ prisma }) =>
      prisma.project.findUnique({
        where: { id: 3 },
        select: {
          id: true, name: true, budget: true,
          tasks: { select: TASK_SELECT, orderBy: [{ dueAt: "asc" }, { id: "asc" }] },
        },
      }),
    ),
    expected: () => {
      // Like the top-level __order__: the first element, in legacy order, whose place moved.
      const mine = TASKS.filter((t) => t.projectId === 3);
      const due = (t: (typeof TASKS)[number]): number => t.dueAt ?? Number.NEGATIVE_INFINITY;
      const latestFirst = [...mine].sort((a, b) => due(b) - due(a) || a.id - b.id);
      const earliestFirst = [...mine].sort((a, b) => due(a) - due(b) || a.id - b.id);
      const moved = firstMoved(latestFirst.map((t) => String(t.id)), earliestFirst.map((t) => String(t.id)));
      return differs([{ field: "tasks", kind: "order", path: `tasks${row("id", moved)}` }]);
    },
  },
  {
    id: "listTasksWithProject__undeclared_rename",
    module: "tasks",
    queryName: "listTasksWithProject",
    description: "Tasks with their project: flat JOIN columns vs the included relation.",
    plantedBug: "The backend sends no rename: the flat columns and the nested relation are different fields.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, FLAT_PROJECT_SQL)),
    orm: orm(flatProjectOrm),
    expected: () =>
      differs(
        TASKS.flatMap((t): ExpectedDifference[] => [
          ...Object.keys(FLAT_PROJECT_RENAME).map((f) => ({ field: f, kind: "missing", path: at(row("id", t.id), f) })),
          { field: "project", kind: "missing", path: at(row("id", t.id), "project") },
        ]),
      ),
  },
  {
    id: "listTaskMeta__undeclared_json",
    module: "tasks",
    queryName: "listTaskMeta",
    description: "JSON text vs Prisma's parsed Json, without the json declaration.",
    plantedBug:
      "The backend does not declare meta as json: the JSON scalar '\"urgent\"' (text) against 'urgent' stays a " +
      "difference (objects and arrays in text are still read).",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, meta FROM tasks ORDER BY id")),
    orm: orm(({ prisma }) => prisma.task.findMany({ select: { id: true, meta: true }, orderBy: { id: "asc" } })),
    expected: () =>
      differs(TASKS.filter((t) => typeof t.meta === "string").map((t) => changed("meta", at(row("id", t.id), "meta")))),
  },
  {
    id: "listWatchers__boolean_two",
    module: "tasks",
    queryName: "listWatchers",
    description: "Every watcher of every task (BOOLEAN muted).",
    plantedBug:
      "Data, not code: a legacy import wrote 2 into the BOOLEAN muted. better-sqlite3 sends 2 (truthy, as " +
      "SQLite's WHERE muted reads it); Prisma 7 reads it as false. 2 is no boolean spelling, so it stays a difference.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT * FROM watchers ORDER BY id")),
    orm: orm(({ prisma }) => prisma.watcher.findMany({ orderBy: { id: "asc" } })),
    expected: () =>
      differs(WATCHERS.filter((w) => w.muted === 2).map((w) => ({ field: "muted", kind: "type", path: at(row("id", w.id), "muted") }))),
  },
  {
    id: "listMutedWatchers__boolean_two",
    module: "tasks",
    queryName: "listMutedWatchers",
    description: "Watchers who muted a task: WHERE muted in SQL (any non-zero value) vs where: { muted: true }.",
    plantedBug: "The watcher whose BOOLEAN holds 2 is muted for SQLite's truthiness and not for Prisma (muted = 1): a missing row.",
    spec: { key: ["id"], ordered: true },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, email FROM watchers WHERE muted ORDER BY id")),
    orm: orm(({ prisma }) =>
      prisma.watcher.findMany({ where: { muted: true }, select: { id: true, email: true }, orderBy: { id: "asc" } }),
    ),
    expected: () =>
      differs(WATCHERS.filter((w) => w.muted === 2).map((w) => ({ field: ROW, kind: "missing_row", path: row("id", w.id) }))),
  },
  {
    id: "listTaskAttachments__truncated_bytes",
    module: "tasks",
    queryName: "listTaskAttachments",
    description: "Each task's attachment (BLOB): Buffer JSON vs a Uint8Array's index object.",
    plantedBug: "The port's file helper drops the last byte of every attachment (an off-by-one subarray).",
    spec: { key: ["id"] },
    legacy: sql(({ legacy }) => all(legacy, "SELECT id, attachment FROM tasks ORDER BY id")),
    orm: orm(async ({ prisma }) =>
      (await prisma.task.findMany({ select: { id: true, attachment: true }, orderBy: { id: "asc" } })).map((t) => ({
        id: t.id,
        attachment: t.attachment === null ? null : t.attachment.subarray(0, Math.max(0, t.attachment.length - 1)),
      })),
    ),
    expected: () =>
      differs(
        TASKS.filter((t) => t.attachment !== null && t.attachment.length > 0).map((t) =>
          changed("attachment", at(row("id", t.id), "attachment")),
        ),
      ),
  },
];
