-- The task tracker of a legacy Node backend on SQLite (better-sqlite3). Instants live in two forms, as
-- they do in real SQLite databases: epoch milliseconds in an INTEGER-valued DATETIME column (what Prisma
-- writes with timestampFormat "unixepoch-ms", and what Date.now() gives a legacy writer) and text written
-- by SQLite's own datetime() ('2025-01-01 10:00:00'). Booleans are 0/1, DECIMAL is a numeric affinity,
-- JSON is text, bytes are BLOBs.
CREATE TABLE projects (
  id          INTEGER PRIMARY KEY,
  name        TEXT     NOT NULL,
  archived    BOOLEAN  NOT NULL DEFAULT 0,
  budget      DECIMAL  NOT NULL,
  created_at  DATETIME NOT NULL,
  settings    TEXT     NOT NULL DEFAULT '{}',
  owner_id    INTEGER  NULL REFERENCES projects (id)
);

CREATE TABLE tasks (
  id          INTEGER  PRIMARY KEY,
  project_id  INTEGER  NOT NULL REFERENCES projects (id),
  title       TEXT     NOT NULL,
  done        BOOLEAN  NOT NULL DEFAULT 0,
  priority    INTEGER  NOT NULL,
  estimate    REAL     NULL,
  cost        DECIMAL  NULL,
  views       BIGINT   NOT NULL DEFAULT 0,
  due_at      DATETIME NULL,
  logged_at   DATETIME NOT NULL,
  meta        TEXT     NULL,
  attachment  BLOB     NULL
);

-- Who watches a task. A legacy import wrote 2 into one BOOLEAN flag: SQLite (`WHERE muted`) and
-- better-sqlite3 (2) treat it as set, Prisma 7 reads it as false.
CREATE TABLE watchers (
  id       INTEGER PRIMARY KEY,
  task_id  INTEGER NOT NULL REFERENCES tasks (id),
  email    TEXT    NOT NULL,
  muted    BOOLEAN NOT NULL DEFAULT 0
);
