-- Thread Workbench schema, version 4: codebook versions, coding actions, codings, memos.
-- Nothing here is deleted: a coding that is removed (by a coder, a merge, an undo)
-- keeps its row with the action that removed it, so any action can be undone.

CREATE TABLE codebook_versions (
    version     INTEGER PRIMARY KEY,           -- 1, 2, ... (the codebook's own version)
    codebook_id TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    operation   TEXT NOT NULL,                 -- adopt, add, rename, merge, ..., undo
    rationale   TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,                 -- the codebook as JSON
    yaml        TEXT NOT NULL,                 -- as YAML, analysts' comments kept
    action_id   INTEGER NOT NULL
);

CREATE TABLE coding_actions (
    action_id INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,                   -- code, uncode, import, revision, undo
    detail    TEXT NOT NULL DEFAULT '{}',      -- JSON
    undoes    INTEGER REFERENCES coding_actions(action_id),
    undone_by INTEGER REFERENCES coding_actions(action_id)
);

CREATE TABLE codings (
    coding_id        INTEGER PRIMARY KEY,
    comment_id       TEXT NOT NULL REFERENCES comments(comment_id),
    code_id          TEXT NOT NULL,
    coder            TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    origin           TEXT NOT NULL,            -- manual, bulk, suggestion-accepted, imported, migrated
    codebook_version INTEGER NOT NULL,
    span_start       INTEGER,                  -- characters of the text as coded
    span_end         INTEGER,
    text_revision    INTEGER NOT NULL DEFAULT 0,  -- revisions of the comment when coded
    text_sha256      TEXT,                     -- of the text as coded
    memo             TEXT,
    derived_from     INTEGER REFERENCES codings(coding_id),
    added_by         INTEGER NOT NULL REFERENCES coding_actions(action_id),
    removed_by       INTEGER REFERENCES coding_actions(action_id)
);
CREATE UNIQUE INDEX codings_one_active ON codings (
    comment_id, code_id, coder, coalesce(span_start, -1), coalesce(span_end, -1)
) WHERE removed_by IS NULL;
CREATE INDEX codings_by_code ON codings (code_id) WHERE removed_by IS NULL;
CREATE INDEX codings_by_action ON codings (added_by);
CREATE INDEX codings_removed_by_action ON codings (removed_by);

-- Codings a revision asks coders to look at again (a split code's codings), each with
-- the new code suggested for it (by embedding similarity, where embeddings exist).
CREATE TABLE coding_reviews (
    coding_id      INTEGER PRIMARY KEY REFERENCES codings(coding_id),
    suggested_code TEXT,
    score          REAL,
    reason         TEXT NOT NULL,               -- e.g. 'split of access (version 4)'
    added_by       INTEGER NOT NULL REFERENCES coding_actions(action_id),
    resolved_by    INTEGER REFERENCES coding_actions(action_id)
);

CREATE TABLE memos (
    memo_id     INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,                 -- code, thread, comment, project
    target_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    text        TEXT NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES coding_actions(action_id),
    removed_by  INTEGER REFERENCES coding_actions(action_id)
);
CREATE INDEX memos_by_target ON memos (target_kind, target_id);
