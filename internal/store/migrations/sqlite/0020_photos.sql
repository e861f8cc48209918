-- Booth devices: only the hash of each booth's token is kept.
CREATE TABLE booth_devices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    office     TEXT NOT NULL DEFAULT '',
    token_hash BLOB NOT NULL UNIQUE,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- One row per stored CIE photo. The row outlives the image as a tombstone (status sent
-- or deleted, no blobs) so the audit trail keeps pointing at something; it holds the
-- code's keyed hash, never the code.
CREATE TABLE photos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash   BLOB NOT NULL UNIQUE,
    origin      TEXT NOT NULL CHECK (origin IN ('booth', 'upload')),
    booth_id    INTEGER REFERENCES booth_devices(id),
    status      TEXT NOT NULL CHECK (status IN ('stored', 'attached', 'sent', 'deleted')),
    checks      TEXT NOT NULL DEFAULT '{}',
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    size        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attached_at INTEGER NOT NULL DEFAULT 0,
    attached_by TEXT NOT NULL DEFAULT '',
    application TEXT NOT NULL DEFAULT '',
    deleted_at  INTEGER NOT NULL DEFAULT 0,
    delete_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX photos_expiry ON photos(status, expires_at);

-- The encrypted images: today only the final crop. Deleting a photo deletes all its rows.
CREATE TABLE photo_blobs (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    nonce    BLOB NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (photo_id, kind)
);
