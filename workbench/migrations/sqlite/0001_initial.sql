-- Thread Workbench schema, version 1: events, imports, comments, gaps, skipped records.

CREATE TABLE events (
    event_id   INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,              -- UTC ISO 8601
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,              -- 'project-created', 'import', ...
    payload    TEXT NOT NULL               -- JSON object
);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE imports (
    import_id   INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    file        TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    format      TEXT NOT NULL,
    rows_read   INTEGER NOT NULL DEFAULT 0,
    new         INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    duplicate   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE comments (
    comment_id       TEXT PRIMARY KEY,
    platform         TEXT NOT NULL,
    thread_id        TEXT NOT NULL,
    parent_id        TEXT,
    kind             TEXT NOT NULL,
    author           TEXT,                 -- raw handle: private, never published
    author_pseudonym TEXT,
    created_at       TEXT,                 -- UTC ISO 8601 with milliseconds
    title            TEXT,
    text             TEXT NOT NULL,
    text_raw         TEXT,
    depth            INTEGER,
    score            INTEGER,
    url              TEXT,
    lang             TEXT,
    is_deleted       INTEGER NOT NULL DEFAULT 0,
    attributes       TEXT,                 -- JSON object
    source_format    TEXT NOT NULL,
    import_id        INTEGER NOT NULL REFERENCES imports(import_id),
    last_import_id   INTEGER NOT NULL REFERENCES imports(import_id)
);
-- No index on thread_id yet: nothing queries by thread at scale, and on a large
-- import it costs about a fifth of the insert time. Add one with the first feature
-- that needs it (a migration builds it once).
CREATE INDEX comments_depth_unknown ON comments(parent_id) WHERE depth IS NULL;

-- Earlier texts of comments that a later export changed (edits), never lost.
CREATE TABLE comment_revisions (
    revision_id INTEGER PRIMARY KEY,
    comment_id  TEXT NOT NULL,
    text        TEXT NOT NULL,
    text_raw    TEXT,
    import_id   INTEGER NOT NULL,          -- the import whose text this was
    replaced_by INTEGER NOT NULL           -- the import that brought the new text
);
CREATE TRIGGER comments_keep_revision AFTER UPDATE OF text ON comments
WHEN OLD.text IS NOT NEW.text
BEGIN
    INSERT INTO comment_revisions (comment_id, text, text_raw, import_id, replaced_by)
    VALUES (OLD.comment_id, OLD.text, OLD.text_raw, OLD.last_import_id, NEW.last_import_id);
END;

CREATE TABLE gaps (
    gap_key   TEXT PRIMARY KEY,            -- hash of kind, parent and children
    platform  TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    parent_id TEXT,
    kind      TEXT NOT NULL,               -- 'more' or 'continue'
    count     INTEGER,
    children  TEXT,                        -- JSON list of ids
    import_id INTEGER NOT NULL REFERENCES imports(import_id)
);

CREATE TABLE skipped (
    reason    TEXT NOT NULL,
    reference TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(import_id),
    PRIMARY KEY (reason, reference, file_sha256)
);
