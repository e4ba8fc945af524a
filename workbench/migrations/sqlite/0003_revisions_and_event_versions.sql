-- Thread Workbench schema, version 3: events carry their payload version; a revision
-- keeps the whole earlier state of a comment whenever any content column changes
-- (not only its text), with the names of the columns that changed.

ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE comment_revisions ADD COLUMN kind TEXT;
ALTER TABLE comment_revisions ADD COLUMN parent_id TEXT;
ALTER TABLE comment_revisions ADD COLUMN author TEXT;
ALTER TABLE comment_revisions ADD COLUMN author_pseudonym TEXT;
ALTER TABLE comment_revisions ADD COLUMN created_at TEXT;
ALTER TABLE comment_revisions ADD COLUMN title TEXT;
ALTER TABLE comment_revisions ADD COLUMN score INTEGER;
ALTER TABLE comment_revisions ADD COLUMN url TEXT;
ALTER TABLE comment_revisions ADD COLUMN is_deleted INTEGER;
ALTER TABLE comment_revisions ADD COLUMN attributes TEXT;
ALTER TABLE comment_revisions ADD COLUMN changed TEXT;   -- JSON list of column names
CREATE INDEX comment_revisions_by_comment ON comment_revisions(comment_id);

DROP TRIGGER comments_keep_revision;
CREATE TRIGGER comments_keep_revision AFTER UPDATE ON comments
WHEN (OLD.kind, OLD.parent_id, OLD.author, OLD.author_pseudonym, OLD.created_at, OLD.title,
      OLD.text, OLD.text_raw, OLD.score, OLD.url, OLD.is_deleted, OLD.attributes)
  IS NOT (NEW.kind, NEW.parent_id, NEW.author, NEW.author_pseudonym, NEW.created_at,
          NEW.title, NEW.text, NEW.text_raw, NEW.score, NEW.url, NEW.is_deleted,
          NEW.attributes)
BEGIN
    INSERT INTO comment_revisions (
        comment_id, kind, parent_id, author, author_pseudonym, created_at, title, text,
        text_raw, score, url, is_deleted, attributes, import_id, replaced_by, changed)
    VALUES (
        OLD.comment_id, OLD.kind, OLD.parent_id, OLD.author, OLD.author_pseudonym,
        OLD.created_at, OLD.title, OLD.text, OLD.text_raw, OLD.score, OLD.url,
        OLD.is_deleted, OLD.attributes, OLD.last_import_id, NEW.last_import_id,
        (SELECT json_group_array(name) FROM (
            SELECT 'kind' AS name WHERE OLD.kind IS NOT NEW.kind
            UNION ALL SELECT 'parent_id' WHERE OLD.parent_id IS NOT NEW.parent_id
            UNION ALL SELECT 'author' WHERE OLD.author IS NOT NEW.author
            UNION ALL SELECT 'author_pseudonym'
                WHERE OLD.author_pseudonym IS NOT NEW.author_pseudonym
            UNION ALL SELECT 'created_at' WHERE OLD.created_at IS NOT NEW.created_at
            UNION ALL SELECT 'title' WHERE OLD.title IS NOT NEW.title
            UNION ALL SELECT 'text' WHERE OLD.text IS NOT NEW.text
            UNION ALL SELECT 'text_raw' WHERE OLD.text_raw IS NOT NEW.text_raw
            UNION ALL SELECT 'score' WHERE OLD.score IS NOT NEW.score
            UNION ALL SELECT 'url' WHERE OLD.url IS NOT NEW.url
            UNION ALL SELECT 'is_deleted' WHERE OLD.is_deleted IS NOT NEW.is_deleted
            UNION ALL SELECT 'attributes' WHERE OLD.attributes IS NOT NEW.attributes)));
END;
