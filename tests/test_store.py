"""The SQLite store: schema and migrations, idempotent writes, replacement, search, clusters."""

from __future__ import annotations

import dataclasses
import random
import re
import sqlite3
from pathlib import Path

import pytest

from quotes.errors import StoreError
from quotes.records import Article, Link, Quote
from quotes.store import SCHEMA_VERSION, Filters, Store, fts_query
from quotes.store.schema import _SCHEMA_1, _SCHEMA_4

KIM = (
    "North Korea's Kim Hopes for Progress\n\n"
    'North Korean leader Kim Jong-un said he expected "great progress" at the next summit.\n\n'
    '"We will make denuclearization happen," Mike Pompeo told reporters.\n'
)
ABE = (
    "Abe Urges Pressure on Pyongyang\n\n"
    "Japanese Prime Minister Shinzo Abe said pressure on North Korea must be maintained.\n"
)


def quote(article: Article, content: str, speaker: str | None, *, type: str = "direct", outlet: str | None = None) -> Quote:
    start = article.text.index(content)
    return Quote(
        article_id=article.id,
        content=content,
        content_spans=((start, start + len(content)),),
        type=type,  # type: ignore[arg-type]
        cue="said",
        speaker=speaker,
        speaker_mention=speaker,
        outlet=outlet,
        quoted_spans=((start, start + len(content)),) if type == "direct" else (),
        rule="test",
        resolution="test",
    )


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


@pytest.fixture
def kim() -> tuple[Article, list[Quote]]:
    article = Article.from_text(KIM, id="sputnik/kim.txt", title="Kim Hopes", outlet="Sputnik", published="2018-10-08")
    return article, [
        quote(article, "great progress", "Kim Jong-un", type="mixed", outlet="KCNA"),
        quote(article, "We will make denuclearization happen,", "Mike Pompeo"),
    ]


@pytest.fixture
def abe() -> tuple[Article, list[Quote]]:
    article = Article.from_text(ABE, id="voa/abe.txt", title="Abe Urges", outlet="The Sputnik", published="2018-04-18T10:00:00Z")
    return article, [quote(article, "pressure on North Korea must be maintained", "Shinzo Abe", type="indirect")]


def test_store_creates_schema_with_version_and_migrations(tmp_path: Path) -> None:
    path = tmp_path / "quotes.db"
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        assert {"articles", "quotes", "speakers", "outlets", "clusters", "quotes_fts", "migrations", "quote_rows"} <= tables
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [r[0] for r in store.db.execute("SELECT version FROM migrations")] == [1, 2, 3, 4, 5, 6]
    # Opening again applies nothing twice.
    with Store(path) as store:
        assert [r[0] for r in store.db.execute("SELECT version FROM migrations")] == [1, 2, 3, 4, 5, 6]


# How to undo each migration after the first, to take a store back to an older schema.
_UNDO = {
    2: ["DROP INDEX articles_seq"],
    3: [
        *(f"DROP TABLE {t}" for t in ("dedupe_clusters", "dedupe_merged", "dedupe_texts", "dedupe_postings")),
        "DROP TRIGGER quotes_speaker_insert", "DROP TRIGGER quotes_speaker_delete",
        "DROP TABLE speaker_spellings", "DROP TABLE speaker_roles", "DROP INDEX articles_dating",
        "DROP INDEX quotes_cluster", "CREATE INDEX quotes_cluster ON quotes(cluster_id)",
    ],
    4: [
        "DROP TABLE via", "DROP VIEW quote_rows", "ALTER TABLE quotes DROP COLUMN via",
        re.search(r"CREATE VIEW quote_rows AS.*?;", _SCHEMA_1, re.DOTALL).group(),  # type: ignore[union-attr]
    ],
    5: ["ALTER TABLE dedupe_clusters DROP COLUMN date", "ALTER TABLE dedupe_clusters DROP COLUMN repeats"],
    6: [
        "DROP VIEW quote_rows", "DROP VIEW current_reviews", "DROP TABLE reviews",
        re.search(r"CREATE VIEW quote_rows AS.*?;", _SCHEMA_4, re.DOTALL).group(),  # type: ignore[union-attr]
    ],
}


def downgrade(path: Path, version: int) -> None:
    """Make the store at ``path`` look written by a quotes at schema ``version``, data and all."""
    with sqlite3.connect(path) as db:
        for later in range(SCHEMA_VERSION, version, -1):
            for statement in _UNDO[later]:
                db.execute(statement)
            db.execute("DELETE FROM migrations WHERE version = ?", (later,))
        db.execute(f"PRAGMA user_version = {version}")


def test_store_written_by_version_1_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "quotes.db"
    Store(path).close()
    downgrade(path, 1)
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION == 6
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"articles_seq", "articles_dating"} <= indexes
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(dedupe_clusters)")}
        assert {"date", "repeats"} <= columns


def test_store_written_by_version_2_counts_its_speakers_spellings(tmp_path: Path, kim) -> None:
    path = tmp_path / "quotes.db"
    article = Article.from_text("Kim Talks\n\nKIM JONG-UN said talks will come.\n", id="x", outlet="Sputnik")
    with Store(path) as store:
        store.add_batch([kim, (article, [quote(article, "talks will come", "KIM JONG-UN", type="indirect")])])
    downgrade(path, 2)
    with Store(path) as store:
        spellings = store.db.execute("SELECT speaker_id, spelling, quotes FROM speaker_spellings ORDER BY 2").fetchall()
        assert [tuple(r)[1:] for r in spellings] == [("KIM JONG-UN", 1), ("Kim Jong-un", 1), ("Mike Pompeo", 1)]
        # The counts carry on from there: a third spelling of Kim wins once it is the most frequent.
        later = [Article.from_text(f"Kim {i}\n\nKim jong-un said talks {i}.\n", id=f"k{i}") for i in range(2)]
        store.add_batch([(a, [quote(a, f"talks {i}", "Kim jong-un", type="indirect")]) for i, a in enumerate(later)])
        names = {r["speaker"] for r in store.speakers()}
    assert names == {"Kim jong-un", "Mike Pompeo"}


def test_store_refuses_newer_schema_and_foreign_databases(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(newer)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not a quote store"):
        Store(other)
    text = tmp_path / "notes.db"
    text.write_text("not a database, just notes " * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store(text)
    with pytest.raises(StoreError, match="no quote store"):
        Store(tmp_path / "missing.db", create=False)


def test_store_same_article_twice_adds_nothing(store: Store, kim, abe) -> None:
    first = store.add_batch([kim, abe])
    assert (first.added, first.quotes) == (2, 3)
    before = store.summary()
    again = store.add_batch([kim, abe])
    assert (again.added, again.unchanged, again.quotes) == (0, 2, 0)
    assert store.summary() == before
    # The same text under another id (a copy of the file) is the same article.
    copy = Article.from_text(KIM, id="copy/kim.txt")
    assert store.article_state(copy) == "unchanged"


def test_store_changed_article_replaces_its_quotes(store: Store, kim) -> None:
    article, found = kim
    store.add_batch([kim], clusters={q.id: f"c-{i}" for i, q in enumerate(found)})
    changed = Article.from_text(KIM.replace("great progress", "real progress"), id=article.id, outlet="Sputnik")
    assert store.article_state(changed) == "changed"
    result = store.add_batch([(changed, [quote(changed, "real progress", "Kim Jong-un")])], clusters={})
    assert (result.added, result.replaced, result.quotes) == (0, 1, 1)
    rows = list(store.rows())
    assert [r["quote"] for r in rows] == ["real progress"]
    assert not list(store.rows(Filters(text="denuclearization")))  # gone from the index too
    # The clusters and the speaker of the old quotes went with them.
    assert store.summary()["clusters"] == 0
    assert "Mike Pompeo" not in {s["speaker"] for s in store.speakers()}


def test_store_full_text_search_with_punctuation(store: Store, kim, abe) -> None:
    store.add_batch([kim, abe])
    assert [r["speaker"] for r in store.rows(Filters(text="denuclearization"))] == ["Mike Pompeo"]
    assert [r["quote"] for r in store.rows(Filters(text="progress"))] == ["great progress"]
    [row] = store.rows(Filters(text="denucl*"))
    assert "\x01denuclearization\x02" in row["highlighted"]
    assert list(store.rows(Filters(text='"progress great"'))) == []  # a phrase keeps its order
    assert fts_query('Jong-un said: "great progress" NOT') == '"Jong-un" "said:" "great progress" "NOT"'
    assert list(store.rows(Filters(text="Jong-un"))) == []  # no error, just no match


def test_store_filters(store: Store, kim, abe) -> None:
    store.add_batch([kim, abe])

    def speakers(**filters: str) -> list[str]:
        return sorted(r["speaker"] for r in store.rows(Filters(**filters)))

    assert speakers(speaker="kim") == ["Kim Jong-un"]
    assert speakers(outlet="kcna") == ["Kim Jong-un"]  # the quote's outlet counts too
    assert speakers(outlet="sputnik") == ["Kim Jong-un", "Mike Pompeo", "Shinzo Abe"]
    assert speakers(since="2018-05-01") == ["Kim Jong-un", "Mike Pompeo"]
    assert speakers(until="2018-04-18") == ["Shinzo Abe"]  # a date-time counts by its date
    assert speakers(until="2018-04") == ["Shinzo Abe"]
    assert speakers(until="2018") == ["Kim Jong-un", "Mike Pompeo", "Shinzo Abe"]
    assert speakers(type="indirect") == ["Shinzo Abe"]
    assert speakers(text="pressure", since="2018-05-01") == []


def test_store_outlets_and_speakers_are_unified(store: Store, kim, abe) -> None:
    store.add_batch([kim, abe])
    # "The Sputnik" and "Sputnik" are one outlet; the first spelling seen names it.
    assert [r[0] for r in store.db.execute("SELECT name FROM outlets ORDER BY name")] == ["KCNA", "Sputnik"]
    later = Article.from_text("Kim Talks\n\nKim Jong-un said more talks will come.\n", id="x", outlet="Sputnik")
    store.add_batch([(later, [quote(later, "more talks will come", "kim jong-un", type="indirect")])])
    ranked = store.speakers()
    assert ranked[0]["speaker"] == "Kim Jong-un" and ranked[0]["quotes"] == 2 and ranked[0]["articles"] == 2
    assert ranked[0]["outlets"] == [("Sputnik", 2)]


def test_store_pronoun_speakers_get_no_speaker_row() -> None:
    store = Store(":memory:", speaker_key=lambda name: None if name.lower() in ("he", "she") else name.lower())
    article = Article.from_text(KIM, id="a")
    store.add_batch([(article, [quote(article, "great progress", "he")])])
    assert store.summary()["speakers"] == 0
    assert [r["speaker"] for r in store.rows()] == ["he"]  # still shown as the text named it
    assert store.speakers() == []


def test_store_clusters_first_appearance_and_merges(store: Store, kim, abe) -> None:
    article, found = kim
    later = Article.from_text(
        "Pompeo Upbeat\n\nPompeo said: We will make denuclearization happen.\n", id="later", outlet="VOA", published="2018-10-09"
    )
    repeat = quote(later, "We will make denuclearization happen.", "Mike Pompeo")
    store.add_batch([kim], clusters={found[0].id: "a", found[1].id: "b"})
    store.add_batch([(later, [repeat])], clusters={repeat.id: "b"})
    [top] = store.clusters(min_size=2)
    assert (top["id"], top["appearances"], top["articles"], top["outlets"]) == ("b", 2, 2, 2)
    assert top["first_quote_id"] == found[1].id and top["first_outlet"] == "Sputnik"
    assert top["first_date"] == "2018-10-08" and top["last_date"] == "2018-10-09"
    rows = {r["quote_id"]: r for r in store.rows(Filters(cluster="b"))}
    assert rows[found[1].id]["first_appearance"] is True and rows[repeat.id]["first_appearance"] is False
    assert rows[repeat.id]["first_outlet"] == "Sputnik"
    # An earlier article joining the cluster becomes its first appearance.
    store.add_batch([abe], clusters={abe[1][0].id: "b"})
    assert store.clusters(min_size=2)[0]["first_outlet"] == "Sputnik" and store.clusters()[0]["first_date"] == "2018-04-18T10:00:00Z"
    # A merge renames cluster "a" into "b": its rows move and "a" disappears.
    store.set_clusters({}, renamed={"a": "b"})
    assert {c["id"]: c["appearances"] for c in store.clusters()} == {"b": 4}
    assert [c["id"] for c in store.clusters(sort="spread")] == ["b"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_store_clusters_grown_batch_by_batch_are_those_computed_at_once(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    batches = []
    for b in range(12):
        batch = []
        for i in range(rng.randint(1, 4)):
            text = f"Story {b}-{i}\n\n" + "".join(f"Line {n} here. " for n in range(4))
            article = Article.from_text(
                text, id=f"a{b}-{i}", outlet=rng.choice(["AP", "Reuters", "Yonhap", None]),
                published=rng.choice([None, "2018-06-12", "2018-06-11", "2018-06-14T09:00:00Z", "2018-05-30"]),
            )
            lines = rng.sample(range(4), rng.randint(1, 3))
            found = [quote(article, f"Line {n} here.", rng.choice(["Kim Jong-un", "Mike Pompeo", "he", None])) for n in lines]
            batch.append((article, found))
        batches.append(batch)
    clusters = {q.id: f"c{rng.randint(1, 4)}" for batch in batches for _, found in batch for q in found}
    with Store(tmp_path / "grown.db") as grown, Store(tmp_path / "once.db") as once:
        for batch in batches:  # clusters gain members batch by batch, earlier ones too
            grown.add_batch(batch, clusters={q.id: clusters[q.id] for _, found in batch for q in found})
        once.add_batch([pair for batch in batches for pair in batch], clusters=clusters)
        table = "SELECT * FROM clusters ORDER BY id"
        assert [dict(r) for r in grown.db.execute(table)] == [dict(r) for r in once.db.execute(table)]
        assert max(r["appearances"] for r in grown.db.execute(table)) > 5


def test_store_cluster_speaker_tie_goes_to_who_appeared_first(store: Store) -> None:
    def said(name: str, day: str, cluster: str) -> None:
        article = Article.from_text(f"{cluster} {name}\n\n{name} said: talks go well.\n", id=f"{cluster}-{name}", published=day)
        found = quote(article, "talks go well.", name)
        store.add_batch([(article, [found])], clusters={found.id: cluster})

    # Each cluster: one quote each, the speaker stored second spoke first.
    said("Kim Jong-un", "2018-06-12", "c1")
    said("Mike Pompeo", "2018-06-11", "c1")
    said("Mike Pompeo", "2018-06-12", "c2")
    said("Kim Jong-un", "2018-06-11", "c2")
    assert {c["id"]: c["speaker"] for c in store.clusters()} == {"c1": "Mike Pompeo", "c2": "Kim Jong-un"}


def test_store_quote_lookup_by_prefix_and_round_trip(store: Store, kim) -> None:
    store.add_batch([kim])
    article, found = kim
    stored, row, stored_article = store.quote(found[1].id[:6])
    assert stored == found[1]
    assert stored_article.text == article.text and stored_article.outlet == "Sputnik"
    assert row["speaker"] == "Mike Pompeo" and row["article_title"] == "Kim Hopes"
    with pytest.raises(StoreError, match="no quote"):
        store.quote("zzzz")
    assert [q for q, _, _ in store.stored_quotes()] == sorted(found, key=lambda q: q.start)


def test_store_batch_is_all_or_nothing(store: Store, kim, abe) -> None:
    article, _ = abe
    broken = Quote(article_id=article.id, content="x", content_spans=((0, 1),), type="unknown")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="could not store"):
        store.add_batch([kim, (article, [broken])])
    assert store.summary()["articles"] == 0
    store.add_batch([kim])
    assert store.summary()["articles"] == 1


def test_store_fts_survives_rebuild(tmp_path: Path, kim) -> None:
    with Store(tmp_path / "q.db") as store:
        store.add_batch([kim])
        store.db.execute("VACUUM")
        store.rebuild_fts()
        assert len(list(store.rows(Filters(text="progress")))) == 1


def _relayed(article: Article) -> Quote:
    """Kim's words as KCNA carried them, in an article Sputnik published."""
    text = article.text
    found = quote(article, "great progress", "Kim Jong-un", type="mixed", outlet="KCNA")
    kim_at = text.index("Kim Jong-un")
    return dataclasses.replace(
        found,
        via=(
            Link("Kim Jong-un", "person", "speaker", "Kim Jong-un", (kim_at, kim_at + 11), "said", found.cue_span),
            Link("KCNA", "outlet", "relay", None, None, "reported"),
            Link("Sputnik", "outlet", "publisher"),
        ),
    )


def test_store_keeps_each_link_of_a_relay_chain_as_a_row(store: Store, kim) -> None:
    article, found = kim
    relayed = _relayed(article)
    store.add_batch([(article, [relayed, found[1]])])
    links = store.db.execute("SELECT position, role, kind, name, start, cue FROM via ORDER BY position").fetchall()
    kim_at = article.text.index("Kim Jong-un")
    assert [tuple(r) for r in links] == [
        (0, "speaker", "person", "Kim Jong-un", kim_at, "said"),
        (1, "relay", "outlet", "KCNA", None, "reported"),
        (2, "publisher", "outlet", "Sputnik", None, None),
    ]
    stored, row, _ = store.quote(relayed.id)
    assert stored == relayed  # the chain reads back link for link
    assert row["via"] == "Kim Jong-un \u2192 KCNA \u2192 Sputnik"
    # --via finds quotes by any link, and only those.
    assert [r["quote_id"] for r in store.rows(Filters(via="kcna"))] == [relayed.id]
    assert not list(store.rows(Filters(via="Reuters")))
    # Replacing the article takes its links with it.
    changed = Article.from_text(KIM + "\nMore.\n", id=article.id, outlet="Sputnik")
    store.add_batch([(changed, [])])
    assert store.db.execute("SELECT count(*) FROM via").fetchone()[0] == 0
