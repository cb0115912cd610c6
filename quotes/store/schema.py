"""The store's schema: numbered migrations, applied in order, never changed once released.

``docs/schema.md`` documents the tables.
"""

# The flat, documented row of `quotes export`: one quote with its article, speaker and cluster.
EXPORT_COLUMNS = (
    "quote_id",
    "article_id",
    "article_title",
    "article_outlet",
    "date",
    "url",
    "speaker",
    "speaker_role",
    "quote_outlet",
    "via",
    "type",
    "cue",
    "quote",
    "cluster_id",
    "cluster_size",
    "first_appearance",
    "first_date",
    "first_outlet",
    "differs_from_first",  # its words differ from the cluster's first appearance (quotes.variants)
    "changes",  # those changes, as JSON: [{"first": "words there", "this": "words here"}, ...]
    # A reviewer's decision (quotes verify / reject / correct, or the review pages)
    "review_status",  # unreviewed, verified, rejected or corrected
    "review_outdated",  # the article changed after the decision: review it again
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "speaker_detected",  # what the pipeline found, where a correction replaced it
    "quote_outlet_detected",
    "type_detected",
)

_SCHEMA_1 = """
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    published TEXT,
    url TEXT,
    path TEXT,
    author TEXT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX articles_outlet ON articles(outlet_id);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    speaker_id INTEGER REFERENCES speakers(id),
    appearances INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    first_quote_id TEXT REFERENCES quotes(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    first_article_id TEXT REFERENCES articles(id) ON DELETE SET NULL,
    first_outlet_id INTEGER REFERENCES outlets(id),
    first_date TEXT,
    last_date TEXT
);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('direct', 'indirect', 'mixed')),
    cue TEXT,
    speaker TEXT,
    speaker_mention TEXT,
    speaker_role TEXT,
    speaker_id INTEGER REFERENCES speakers(id),
    outlet TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    confidence REAL NOT NULL,
    headline INTEGER NOT NULL DEFAULT 0,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    content_spans TEXT NOT NULL,
    quoted_spans TEXT NOT NULL,
    cue_span TEXT,
    speaker_span TEXT,
    rule TEXT NOT NULL,
    resolution TEXT NOT NULL,
    cluster_id TEXT REFERENCES clusters(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_id);
CREATE INDEX quotes_outlet ON quotes(outlet_id);
CREATE INDEX quotes_cluster ON quotes(cluster_id);

-- Full-text search over quote text. content="quotes" keeps one copy of the
-- text (in quotes) and lets Datasette find the index on its own.
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, content="quotes", content_rowid="rowid", tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text);
END;

-- One row per quote, flat: what `quotes export` writes and Datasette users browse.
CREATE VIEW quote_rows AS
SELECT
    q.id AS quote_id,
    q.rowid AS quote_rowid,
    a.id AS article_id,
    a.title AS article_title,
    ao.name AS article_outlet,
    a.published AS date,
    a.url AS url,
    COALESCE(s.name, q.speaker) AS speaker,
    q.speaker_role AS speaker_role,
    qo.name AS quote_outlet,
    q.type AS type,
    q.cue AS cue,
    q.text AS quote,
    q.cluster_id AS cluster_id,
    c.appearances AS cluster_size,
    CASE WHEN c.id IS NULL THEN NULL ELSE c.first_quote_id = q.id END AS first_appearance,
    c.first_date AS first_date,
    fo.name AS first_outlet,
    q.speaker_id AS speaker_id,
    q.speaker_mention AS speaker_mention,
    q.confidence AS confidence,
    q.headline AS headline,
    a.seq AS article_seq,
    q.start AS start
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN outlets ao ON ao.id = a.outlet_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN outlets qo ON qo.id = q.outlet_id
LEFT JOIN clusters c ON c.id = q.cluster_id
LEFT JOIN outlets fo ON fo.id = c.first_outlet_id;
"""

# Each article insert numbers it with max(seq) + 1: without an index that scans the whole
# table, and long ingests grow quadratic.
_SCHEMA_2 = """
CREATE INDEX articles_seq ON articles(seq);
"""

# The deduplicator's index (quotes.dedupe) is kept here, so an ingest holds in memory only
# the part of it one batch touches. Speakers' spellings and roles are counted as quotes come
# and go, so labelling a speaker costs as much at the millionth quote as at the first.
_SCHEMA_3 = """
CREATE TABLE dedupe_clusters (
    number INTEGER PRIMARY KEY,
    cluster_id TEXT NOT NULL UNIQUE,
    speakers TEXT NOT NULL,
    reps TEXT NOT NULL
);
CREATE TABLE dedupe_merged (number INTEGER PRIMARY KEY, merged_into INTEGER NOT NULL);
CREATE TABLE dedupe_texts (digest INTEGER PRIMARY KEY, number INTEGER NOT NULL);
CREATE TABLE dedupe_postings (shingle INTEGER PRIMARY KEY, numbers TEXT);

CREATE TABLE speaker_spellings (
    speaker_id INTEGER NOT NULL,
    spelling TEXT NOT NULL,
    quotes INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, spelling)
) WITHOUT ROWID;
CREATE TABLE speaker_roles (
    speaker_id INTEGER NOT NULL,
    role TEXT NOT NULL,
    quotes INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, role)
) WITHOUT ROWID;
INSERT INTO speaker_spellings
SELECT speaker_id, speaker, count(*) FROM quotes WHERE speaker_id IS NOT NULL GROUP BY 1, 2;
INSERT INTO speaker_roles
SELECT speaker_id, speaker_role, count(*) FROM quotes
WHERE speaker_id IS NOT NULL AND speaker_role IS NOT NULL GROUP BY 1, 2;
CREATE TRIGGER quotes_speaker_insert AFTER INSERT ON quotes WHEN new.speaker_id IS NOT NULL BEGIN
    INSERT INTO speaker_spellings VALUES (new.speaker_id, new.speaker, 1)
        ON CONFLICT DO UPDATE SET quotes = quotes + 1;
    INSERT INTO speaker_roles SELECT new.speaker_id, new.speaker_role, 1 WHERE new.speaker_role IS NOT NULL
        ON CONFLICT DO UPDATE SET quotes = quotes + 1;
END;
CREATE TRIGGER quotes_speaker_delete AFTER DELETE ON quotes WHEN old.speaker_id IS NOT NULL BEGIN
    UPDATE speaker_spellings SET quotes = quotes - 1 WHERE speaker_id = old.speaker_id AND spelling = old.speaker;
    UPDATE speaker_roles SET quotes = quotes - 1 WHERE speaker_id = old.speaker_id AND role = old.speaker_role;
    DELETE FROM speaker_spellings WHERE speaker_id = old.speaker_id AND quotes = 0;
    DELETE FROM speaker_roles WHERE speaker_id = old.speaker_id AND quotes = 0;
END;

-- A cluster's row is kept up to date from its members' speakers, articles and their dates
-- and outlets, read from these indexes alone (article rows hold the whole text).
CREATE INDEX articles_dating ON articles(id, published, seq, outlet_id);
DROP INDEX quotes_cluster;
CREATE INDEX quotes_cluster ON quotes(cluster_id, article_id, speaker_id);
"""

# The relay chain of each quote, one row per link from the speaker out to the publisher, so
# "every quote that came through KCNA" is a join, not a scan of text. quotes.via keeps the
# chain as a reader writes it ("Kim Jong-un → KCNA → Reuters") for exports and tables.
_SCHEMA_4 = """
CREATE TABLE via (
    quote_id TEXT NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('speaker', 'relay', 'wire', 'publisher')),
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation', 'outlet', 'platform', 'document')),
    name TEXT,
    mention TEXT,
    start INTEGER,
    end INTEGER,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    PRIMARY KEY (quote_id, position)
) WITHOUT ROWID;
CREATE INDEX via_name ON via(name COLLATE NOCASE);
ALTER TABLE quotes ADD COLUMN via TEXT;
DROP VIEW quote_rows;
-- One row per quote, flat (now with its chain): what `quotes export` writes and Datasette users browse.
CREATE VIEW quote_rows AS
SELECT
    q.id AS quote_id,
    q.rowid AS quote_rowid,
    a.id AS article_id,
    a.title AS article_title,
    ao.name AS article_outlet,
    a.published AS date,
    a.url AS url,
    COALESCE(s.name, q.speaker) AS speaker,
    q.speaker_role AS speaker_role,
    qo.name AS quote_outlet,
    q.via AS via,
    q.type AS type,
    q.cue AS cue,
    q.text AS quote,
    q.cluster_id AS cluster_id,
    c.appearances AS cluster_size,
    CASE WHEN c.id IS NULL THEN NULL ELSE c.first_quote_id = q.id END AS first_appearance,
    c.first_date AS first_date,
    fo.name AS first_outlet,
    q.speaker_id AS speaker_id,
    q.speaker_mention AS speaker_mention,
    q.confidence AS confidence,
    q.headline AS headline,
    a.seq AS article_seq,
    q.start AS start
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN outlets ao ON ao.id = a.outlet_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN outlets qo ON qo.id = q.outlet_id
LEFT JOIN clusters c ON c.id = q.cluster_id
LEFT JOIN outlets fo ON fo.id = c.first_outlet_id;
"""

# The deduplicator's clusters are occasions (quotes.dedupe.MatchOptions.occasion_days): each keeps
# its first date, and the clusters of the same words on other occasions.
_SCHEMA_5 = """
ALTER TABLE dedupe_clusters ADD COLUMN date TEXT;
ALTER TABLE dedupe_clusters ADD COLUMN repeats TEXT NOT NULL DEFAULT '[]';
"""

# A reviewer's decisions, one row each, never updated: the history of a quote's review. The
# latest row of a quote is its current state, with the corrections made so far. Rows are not
# tied to quotes by a foreign key: an article that is replaced takes its quotes with it, and
# the decisions are moved onto its new quotes of the same words (flagged for re-review, since
# the article they were made on is not the one stored now).
_SCHEMA_6 = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    quote_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    quote TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'rejected', 'corrected')),
    reason TEXT CHECK (reason IN ('not-a-quote', 'boundaries')),
    speaker TEXT,
    outlet TEXT,
    type TEXT CHECK (type IN ('direct', 'indirect', 'mixed')),
    note TEXT,
    reviewer TEXT,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX reviews_quote ON reviews(quote_id, id);
CREATE INDEX reviews_article ON reviews(article_id);
CREATE VIEW current_reviews AS
SELECT r.* FROM reviews r WHERE r.id = (SELECT max(id) FROM reviews WHERE quote_id = r.quote_id);
DROP VIEW quote_rows;
-- One row per quote, flat, with its review: a correction replaces the detected value, kept as *_detected.
CREATE VIEW quote_rows AS
SELECT
    q.id AS quote_id,
    q.rowid AS quote_rowid,
    a.id AS article_id,
    a.title AS article_title,
    ao.name AS article_outlet,
    a.published AS date,
    a.url AS url,
    COALESCE(rv.speaker, s.name, q.speaker) AS speaker,
    CASE WHEN rv.speaker IS NULL THEN q.speaker_role END AS speaker_role,  -- the detected speaker's role
    COALESCE(rv.outlet, qo.name) AS quote_outlet,
    q.via AS via,
    COALESCE(rv.type, q.type) AS type,
    q.cue AS cue,
    q.text AS quote,
    q.cluster_id AS cluster_id,
    c.appearances AS cluster_size,
    CASE WHEN c.id IS NULL THEN NULL ELSE c.first_quote_id = q.id END AS first_appearance,
    c.first_date AS first_date,
    fo.name AS first_outlet,
    COALESCE(rv.status, 'unreviewed') AS review_status,
    CASE WHEN rv.id IS NULL THEN NULL ELSE rv.content_hash != a.content_hash END AS review_outdated,
    rv.reviewer AS reviewed_by,
    rv.reviewed_at AS reviewed_at,
    rv.note AS review_note,
    rv.reason AS review_reason,
    CASE WHEN rv.speaker IS NULL THEN NULL ELSE COALESCE(s.name, q.speaker) END AS speaker_detected,
    CASE WHEN rv.outlet IS NULL THEN NULL ELSE qo.name END AS quote_outlet_detected,
    CASE WHEN rv.type IS NULL THEN NULL ELSE q.type END AS type_detected,
    q.speaker_id AS speaker_id,
    q.speaker_mention AS speaker_mention,
    q.confidence AS confidence,
    q.headline AS headline,
    a.seq AS article_seq,
    q.start AS start
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN outlets ao ON ao.id = a.outlet_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN outlets qo ON qo.id = q.outlet_id
LEFT JOIN clusters c ON c.id = q.cluster_id
LEFT JOIN outlets fo ON fo.id = c.first_outlet_id
LEFT JOIN reviews rv ON rv.id = (SELECT max(id) FROM reviews WHERE quote_id = q.id);
"""

# (version, name, script). Append only: a released migration never changes.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "articles, quotes, speakers, outlets, clusters, fts", _SCHEMA_1),
    (2, "index on article numbers", _SCHEMA_2),
    (3, "deduplication index, speaker spelling counts, article dating index", _SCHEMA_3),
    (4, "relay chains", _SCHEMA_4),
    (5, "occasions: cluster dates and repeats", _SCHEMA_5),
    (6, "reviews: decisions with their history, in the flat rows", _SCHEMA_6),
)
SCHEMA_VERSION = len(MIGRATIONS)
