-- The legacy shop schema both sides read. Applied by scripts/generate.mjs to a fresh, uniquely named
-- database; prisma/schema.prisma maps the same tables (snake_case columns -> camelCase fields via @map).
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled', 'refunded');

CREATE TABLE customers (
    id               integer PRIMARY KEY,
    external_id      uuid NOT NULL UNIQUE,
    full_name        text NOT NULL,
    email            text NOT NULL,
    phone            text,
    is_active        boolean NOT NULL DEFAULT true,
    lifetime_value   numeric(12, 2) NOT NULL DEFAULT 0,
    loyalty_points   bigint NOT NULL DEFAULT 0,
    rating           double precision,
    tags             text[] NOT NULL DEFAULT '{}',
    preferences      jsonb NOT NULL DEFAULT '{}',
    signup_date      date NOT NULL,
    created_at       timestamptz NOT NULL,
    last_seen_local  timestamp,
    avatar           bytea,
    deleted_at       timestamptz,
    referred_by_id   integer REFERENCES customers (id)
);

CREATE TABLE orders (
    id               bigint PRIMARY KEY,
    customer_id      integer NOT NULL REFERENCES customers (id),
    status           order_status NOT NULL,
    total            numeric(12, 2) NOT NULL,
    discount_rate    numeric(5, 4),
    weight_kg        double precision NOT NULL,
    item_counts      integer[] NOT NULL,
    line_prices      numeric(10, 2)[] NOT NULL,
    shipping         jsonb NOT NULL,
    placed_at        timestamptz NOT NULL,
    delivered_at     timestamptz,
    ship_by          date,
    tracking_code    text,
    gift_message     text
);
