-- The membership schema of a legacy Node backend on MariaDB. Each column type is one where mysql2 and
-- Prisma 7 (@prisma/adapter-mariadb) disagree in representation: TINYINT(1) and BIT(1) booleans, DECIMAL,
-- BIGINT, FLOAT (single precision) and DOUBLE, DATE, DATETIME/TIMESTAMP with fractions, TIME, JSON (a
-- LONGTEXT alias on MariaDB), BLOB and BINARY(16) uuids, ENUM and SET.
CREATE TABLE members (
  id           INT PRIMARY KEY,
  public_id    BINARY(16)    NOT NULL UNIQUE,
  email        VARCHAR(191)  NOT NULL,
  display_name VARCHAR(100)  NOT NULL,
  bio          TEXT          NULL,
  is_active    TINYINT(1)    NOT NULL DEFAULT 1,
  is_staff     BIT(1)        NOT NULL DEFAULT b'0',
  plan         ENUM('free', 'pro', 'enterprise') NOT NULL DEFAULT 'free',
  flags        SET('beta', 'internal', 'staff', 'legacy_ui') NOT NULL DEFAULT '',
  credit       DECIMAL(12, 2)  NOT NULL DEFAULT 0,
  fee_rate     DECIMAL(14, 10) NULL,
  karma        BIGINT        NOT NULL DEFAULT 0,
  ratio        FLOAT         NULL,
  score        DOUBLE        NULL,
  born_on      DATE          NULL,
  joined_at    DATETIME(6)   NOT NULL,
  last_login   TIMESTAMP(3)  NULL DEFAULT NULL,
  quiet_from   TIME          NULL,
  settings     JSON          NULL,
  avatar       BLOB          NULL,
  referrer_id  INT           NULL,
  deleted_at   DATETIME(3)   NULL,
  CONSTRAINT members_referrer FOREIGN KEY (referrer_id) REFERENCES members (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE invoices (
  id         BIGINT        PRIMARY KEY,
  member_id  INT           NOT NULL,
  number     VARCHAR(32)   NOT NULL,
  status     ENUM('draft', 'open', 'paid', 'void') NOT NULL,
  amount     DECIMAL(10, 2) NOT NULL,
  tax_rate   FLOAT         NOT NULL,
  paid       TINYINT(1)    NOT NULL DEFAULT 0,
  issued_at  DATETIME(3)   NOT NULL,
  due_on     DATE          NOT NULL,
  line_items JSON          NOT NULL,
  note       VARCHAR(255)  NULL,
  CONSTRAINT invoices_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Sensor readings in both floating-point types. MariaDB's text protocol (mysql2's query()) prints a FLOAT
-- with six significant digits (0.1234567 -> 0.123457, 16777217 -> 16777200); its binary protocol (mysql2's
-- execute(), the Prisma adapter) hands over the float32 itself (0.12345670163631439).
CREATE TABLE gauges (
  id       INT PRIMARY KEY,
  label    VARCHAR(64) NOT NULL,
  reading  FLOAT       NOT NULL,
  exact    DOUBLE      NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Newsletter opt-ins. A legacy import script wrote 2 into one TINYINT(1) flag: SQL (`WHERE opted_in`) and
-- mysql2 (2) treat it as set, Prisma 7 reads it as false.
CREATE TABLE newsletter_subscriptions (
  member_id  INT        PRIMARY KEY,
  opted_in   TINYINT(1) NOT NULL,
  confirmed  BIT(1)     NOT NULL,
  CONSTRAINT newsletter_member FOREIGN KEY (member_id) REFERENCES members (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
