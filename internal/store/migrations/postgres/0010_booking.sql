-- Online booking (issue 4). Flags are INTEGER 0/1 in both dialects so the same SQL runs
-- on each; times are Unix microseconds; days are 'YYYY-MM-DD' in the comune's time zone.
CREATE TABLE booking_services (
    id      BIGSERIAL PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name_it TEXT NOT NULL,
    name_en TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    active  INTEGER NOT NULL DEFAULT 1,
    sort    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO booking_services (code, name_it, name_en, minutes, sort) VALUES
    ('cie-first', 'Carta d''identità elettronica - prima emissione', 'Electronic identity card - first issue', 20, 1),
    ('cie-renewal', 'Carta d''identità elettronica - rinnovo', 'Electronic identity card - renewal', 20, 2),
    ('cie-loss', 'Carta d''identità elettronica - furto o smarrimento', 'Electronic identity card - theft or loss', 20, 3);

-- An office offers every active service unless it has rows here.
CREATE TABLE booking_office_services (
    office_id  BIGINT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    service_id BIGINT NOT NULL REFERENCES booking_services(id) ON DELETE CASCADE,
    PRIMARY KEY (office_id, service_id)
);

-- Per-office rules; an office without a row uses booking.DefaultSettings.
CREATE TABLE booking_settings (
    office_id              BIGINT PRIMARY KEY REFERENCES offices(id) ON DELETE CASCADE,
    min_days               INTEGER NOT NULL,
    max_days               INTEGER NOT NULL,
    release_min            INTEGER NOT NULL,
    hold_minutes           INTEGER NOT NULL,
    holdback_minutes       INTEGER NOT NULL,
    max_per_cf             INTEGER NOT NULL,
    max_per_email          INTEGER NOT NULL,
    reminder_hours         INTEGER NOT NULL,
    reconfirm              INTEGER NOT NULL,
    reconfirm_days         INTEGER NOT NULL,
    reconfirm_deadline_hours INTEGER NOT NULL
);

CREATE TABLE booking_closures (
    id        BIGSERIAL PRIMARY KEY,
    office_id BIGINT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (office_id, day)
);

-- Exceptional openings replace nothing: they add periods to a day (e.g. a Saturday).
CREATE TABLE booking_openings (
    id           BIGSERIAL PRIMARY KEY,
    office_id    BIGINT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    opens_min    INTEGER NOT NULL,
    closes_min   INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    counters     INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX booking_openings_office_day ON booking_openings(office_id, day);

-- One row per (office, slot start) that was ever booked: the capacity guard. Every
-- change goes through `UPDATE … SET used = used + n WHERE … AND used + n <= capacity`.
CREATE TABLE slot_usage (
    office_id BIGINT NOT NULL,
    start     BIGINT NOT NULL,
    used      INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (office_id, start)
);

CREATE TABLE bookings (
    id                 BIGSERIAL PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    office_id          BIGINT NOT NULL REFERENCES offices(id),
    service_id         BIGINT NOT NULL REFERENCES booking_services(id),
    start              BIGINT NOT NULL,
    end_at             BIGINT NOT NULL,
    people             INTEGER NOT NULL,
    mode               TEXT NOT NULL,
    state              TEXT NOT NULL,
    hold_expires       BIGINT NOT NULL DEFAULT 0,
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    lang               TEXT NOT NULL DEFAULT 'it',
    created_by         TEXT NOT NULL DEFAULT 'citizen',
    created_at         BIGINT NOT NULL,
    confirmed_at       BIGINT NOT NULL DEFAULT 0,
    cancelled_at       BIGINT NOT NULL DEFAULT 0,
    release_at         BIGINT NOT NULL DEFAULT 0,
    released           INTEGER NOT NULL DEFAULT 0,
    reconfirm_required INTEGER NOT NULL DEFAULT 0,
    reconfirmed_at     BIGINT NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bookings_office_start ON bookings(office_id, start);
CREATE INDEX bookings_state_hold ON bookings(state, hold_expires);
CREATE INDEX bookings_release ON bookings(released, release_at);
CREATE INDEX bookings_email ON bookings(email);

CREATE TABLE booking_people (
    booking_id BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    surname    TEXT NOT NULL,
    cf         TEXT NOT NULL,
    cf_key     TEXT NOT NULL, -- omocodia undone: the per-person cap counts variants once
    PRIMARY KEY (booking_id, idx)
);
CREATE INDEX booking_people_cf_key ON booking_people(cf_key);

-- The capacity a booking holds, slot by slot, so cancel and move return exactly that.
CREATE TABLE booking_units (
    booking_id BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    start      BIGINT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (booking_id, start)
);
