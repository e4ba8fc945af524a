-- Thread Workbench schema, version 2: cluster runs (kept, never overwritten) and
-- the coding queue.

CREATE TABLE cluster_runs (
    run_id        INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    model         TEXT NOT NULL,           -- embedding model id
    backend       TEXT NOT NULL,           -- embedding backend
    input_hash    TEXT NOT NULL,           -- comments, texts, model and backend
    reduction_key TEXT NOT NULL,           -- cache/reductions/<key>.npy
    params        TEXT NOT NULL,           -- JSON: every parameter, defaults resolved
    versions      TEXT NOT NULL,           -- JSON: library versions
    comments      INTEGER NOT NULL,
    clusters      INTEGER NOT NULL,
    outliers      INTEGER NOT NULL,
    seconds       REAL NOT NULL,
    timings       TEXT NOT NULL            -- JSON: seconds per step
);

CREATE TABLE cluster_members (
    run_id      INTEGER NOT NULL REFERENCES cluster_runs(run_id),
    comment_id  TEXT NOT NULL,
    cluster     INTEGER NOT NULL,          -- -1: outliers
    probability REAL NOT NULL,
    x           REAL NOT NULL,             -- 2-D map
    y           REAL NOT NULL,
    text_key    BLOB,                      -- BLAKE2b of the text clustered (edits show)
    PRIMARY KEY (run_id, comment_id)
) WITHOUT ROWID;

CREATE TABLE clusters (
    run_id    INTEGER NOT NULL REFERENCES cluster_runs(run_id),
    cluster   INTEGER NOT NULL,            -- -1: outliers
    size      INTEGER NOT NULL,
    keywords  TEXT NOT NULL,               -- JSON [[term, score], ...]
    exemplars TEXT NOT NULL,               -- JSON [comment_id, ...], most typical first
    PRIMARY KEY (run_id, cluster)
) WITHOUT ROWID;

-- A stored run is a record: nothing of it changes or goes.
CREATE TRIGGER cluster_runs_kept BEFORE DELETE ON cluster_runs
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;
CREATE TRIGGER cluster_runs_fixed BEFORE UPDATE ON cluster_runs
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;
CREATE TRIGGER cluster_members_kept BEFORE DELETE ON cluster_members
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;
CREATE TRIGGER cluster_members_fixed BEFORE UPDATE ON cluster_members
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;
CREATE TRIGGER clusters_kept BEFORE DELETE ON clusters
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;
CREATE TRIGGER clusters_fixed BEFORE UPDATE ON clusters
BEGIN SELECT RAISE(ABORT, 'cluster runs are kept for comparison'); END;

-- Comments waiting to be coded, with where they were picked from.
CREATE TABLE coding_queue (
    queue_id   INTEGER PRIMARY KEY,
    comment_id TEXT NOT NULL UNIQUE REFERENCES comments(comment_id),
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    source     TEXT NOT NULL               -- e.g. 'run 3, cluster 5' or 'search: ...'
);
