-- Thread Workbench schema, version 3 (PostgreSQL): event payload versions; revisions
-- keep the whole earlier state of a comment when any content column changes.

ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE comment_revisions
    ADD COLUMN kind TEXT,
    ADD COLUMN parent_id TEXT,
    ADD COLUMN author TEXT,
    ADD COLUMN author_pseudonym TEXT,
    ADD COLUMN created_at TEXT,
    ADD COLUMN title TEXT,
    ADD COLUMN score BIGINT,
    ADD COLUMN url TEXT,
    ADD COLUMN is_deleted SMALLINT,
    ADD COLUMN attributes TEXT,
    ADD COLUMN changed TEXT;
CREATE INDEX comment_revisions_by_comment ON comment_revisions(comment_id);

CREATE FUNCTION comments_keep_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed TEXT;
BEGIN
    SELECT coalesce(json_agg(name), '[]')::text INTO changed FROM (VALUES
        ('kind', OLD.kind IS DISTINCT FROM NEW.kind),
        ('parent_id', OLD.parent_id IS DISTINCT FROM NEW.parent_id),
        ('author', OLD.author IS DISTINCT FROM NEW.author),
        ('author_pseudonym', OLD.author_pseudonym IS DISTINCT FROM NEW.author_pseudonym),
        ('created_at', OLD.created_at IS DISTINCT FROM NEW.created_at),
        ('title', OLD.title IS DISTINCT FROM NEW.title),
        ('text', OLD.text IS DISTINCT FROM NEW.text),
        ('text_raw', OLD.text_raw IS DISTINCT FROM NEW.text_raw),
        ('score', OLD.score IS DISTINCT FROM NEW.score),
        ('url', OLD.url IS DISTINCT FROM NEW.url),
        ('is_deleted', OLD.is_deleted IS DISTINCT FROM NEW.is_deleted),
        ('attributes', OLD.attributes IS DISTINCT FROM NEW.attributes)
    ) AS t(name, differs) WHERE differs;
    IF changed <> '[]' THEN
        INSERT INTO comment_revisions (
            comment_id, kind, parent_id, author, author_pseudonym, created_at, title, text,
            text_raw, score, url, is_deleted, attributes, import_id, replaced_by, changed)
        VALUES (
            OLD.comment_id, OLD.kind, OLD.parent_id, OLD.author, OLD.author_pseudonym,
            OLD.created_at, OLD.title, OLD.text, OLD.text_raw, OLD.score, OLD.url,
            OLD.is_deleted, OLD.attributes, OLD.last_import_id, NEW.last_import_id, changed);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER comments_keep_revision AFTER UPDATE ON comments
FOR EACH ROW EXECUTE FUNCTION comments_keep_revision();
