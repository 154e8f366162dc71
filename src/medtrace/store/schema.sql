-- medtrace parse cache. Rebuildable at any time: delete .medtrace/ and nothing is lost.
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per item file: its stamp when parsed and the encoded ParsedFile.
CREATE TABLE IF NOT EXISTS files (
    path     TEXT PRIMARY KEY,  -- POSIX path relative to the project root
    size     INTEGER NOT NULL,  -- bytes; -1 forces a re-parse (racily clean entry)
    mtime_ns INTEGER NOT NULL,
    result   BLOB NOT NULL,     -- the ParsedFile, encoded by medtrace.store.codec
    findings BLOB,              -- its findings alone, NULL when there are none
    is_item  INTEGER NOT NULL   -- 0 for a Markdown file without front matter
);
-- The light index the structural checks run on, kept in step with files.
CREATE TABLE IF NOT EXISTS items (
    path TEXT PRIMARY KEY,
    id   TEXT NOT NULL,
    kind TEXT NOT NULL,
    line INTEGER
);
CREATE INDEX IF NOT EXISTS items_by_id ON items (id);
CREATE TABLE IF NOT EXISTS links (
    path   TEXT NOT NULL,
    seq    INTEGER NOT NULL,    -- order of the link in its file
    role   TEXT NOT NULL,
    target TEXT NOT NULL,
    line   INTEGER,
    PRIMARY KEY (path, seq)
);
-- Results derived from the whole index, valid until the next change to files.
CREATE TABLE IF NOT EXISTS memo (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
-- Other facts derived from the item files (JSON text), forgotten with the memo.
CREATE TABLE IF NOT EXISTS notes (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Suspect links from history: the walk of git history as it last ended (medtrace.api.
-- link_history), one blob: the commit, the items then, and when each link was made.
CREATE TABLE IF NOT EXISTS history (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
