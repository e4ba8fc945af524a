-- Thread Workbench schema, version 5: find the comments still awaiting a language fast.
--
-- After every import the project labels whatever is left without a language
-- (rows stored by an import with labelling off, or before labelling existed).
-- Without an index that is a scan of the whole table each time, even when
-- nothing is left; this partial index holds only the rows still waiting.
CREATE INDEX comments_lang_pending ON comments(lang) WHERE lang IS NULL;
