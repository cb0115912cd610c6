"""Readers: each input kind becomes Article records, and a bad input becomes an error value."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from quotes.errors import InputError
from quotes.read import read_html, read_paths
from quotes.records import Article

CANDIDATES = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora-candidates"
VOA = "05_voa_trump-abe-hope-summit-2018-04-18.txt"
DOD = "08_dod-news_mattis-kang-historic-opportunity-2018-05-12.txt"


def candidate(name: str) -> tuple[str, list[str]]:
    """A public-domain article's headline and paragraphs (the sample corpus copy if shared/ is absent)."""
    path = CANDIDATES / name
    if not path.is_file():
        path = Path(__file__).resolve().parent.parent / "corpora" / name
    if not path.is_file():
        pytest.skip(f"sample article {name} not found")
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return blocks[0], blocks[1:]


def news_page(headline: str, paragraphs: list[str]) -> str:
    """A realistic news page: metadata in the head, menus, a cookie banner, related links and a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>{headline} | Voice of America - English</title>
<meta property="og:title" content="{headline}">
<meta property="og:site_name" content="Voice of America">
<meta name="author" content="Zlatica Hoke">
<meta property="article:published_time" content="2018-04-18T14:02:00Z">
<link rel="canonical" href="https://www.voanews.com/a/trump-abe-summit/4353921.html">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/usa">U.S.</a></li>
<li><a href="/world">World</a></li><li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav></header>
<main><article>
<h1>{headline}</h1>
<div class="byline">By Zlatica Hoke · April 18, 2018</div>
{body}
</article>
<aside class="related"><h2>Related</h2><ul>
<li><a href="/a/1">Pompeo meets Kim in secret visit</a></li>
<li><a href="/a/2">China welcomes planned summit</a></li></ul></aside>
</main>
<footer><p>Follow us on social media. Copyright © 2018 Voice of America. All rights reserved.</p>
<p>Terms of use · Privacy policy</p></footer>
</body></html>"""


def articles(results: list) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def errors(results: list) -> list[InputError]:
    return [r for r in results if isinstance(r, InputError)]


def test_read_text_file_keeps_text_exactly(tmp_path: Path) -> None:
    text = "North Korea Says It Will Talk\n\n\"We are ready,\" the official said.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [article] = read_paths([tmp_path / "a.txt"])
    assert isinstance(article, Article)
    assert article.text == text
    assert article.title == "North Korea Says It Will Talk"
    assert article.id == article.path == str(tmp_path / "a.txt")


def test_read_html_page_drops_boilerplate_and_reads_metadata(tmp_path: Path) -> None:
    headline, paragraphs = candidate(DOD)
    page = tmp_path / "page.html"
    page.write_text(news_page(headline, paragraphs), encoding="utf-8")
    [article] = read_paths([page])
    assert isinstance(article, Article)
    assert article.title == headline
    assert article.outlet == "Voice of America"
    assert article.published == "2018-04-18"
    assert article.author == "Zlatica Hoke"
    assert article.url == "https://www.voanews.com/a/trump-abe-summit/4353921.html"
    assert article.id == str(page)
    for paragraph in paragraphs:
        assert " ".join(paragraph.split()) in article.text
    for boilerplate in ("cookies", "Subscribe", "All rights reserved", "Pompeo meets Kim", "Privacy policy"):
        assert boilerplate not in article.text
    # Paragraphs stay apart, so no quote runs across two of them.
    assert "\n\n" in article.text


def test_read_html_without_main_text_is_an_error() -> None:
    with pytest.raises(InputError, match="no main text"):
        read_html(b"<html><head><title>Gone</title></head><body><script>var x = 1;</script></body></html>", "empty.html")


def test_read_jsonl_bad_line_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    headline, paragraphs = candidate(VOA)
    good = {"id": "voa-1", "text": "\n\n".join(paragraphs), "title": headline, "outlet": "VOA", "date": "2018-04-18", "url": "https://www.voanews.com/a/1"}
    lines = [
        json.dumps(good),
        '{"text": "Truncated line, "title": ',  # cut off mid-write
        "",
        json.dumps({"title": "no text here"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Abe urged the United States to maintain a tough stance, officials said."}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(read_paths([path]))
    found, failed = articles(results), errors(results)
    assert [a.id for a in found][0] == "voa-1"
    assert found[0].title == headline and found[0].outlet == "VOA" and found[0].published == "2018-04-18"
    assert found[0].url == "https://www.voanews.com/a/1"
    assert found[0].path == f"{path}:1"
    # Without an id or url, the content hash names the article.
    assert found[1].id == found[1].content_hash
    assert [e.source for e in failed] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert "not valid JSON" in failed[0].problem
    assert '"text"' in failed[1].problem


def test_read_jsonl_without_any_text_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "annotations.jsonl"
    path.write_text("\n".join(json.dumps({"file": f"{i}.txt", "quotes": []}) for i in range(5)), encoding="utf-8")
    [error] = read_paths([path])
    assert isinstance(error, InputError)
    assert "no line has a \"text\" field" in error.problem


def _warc(path: Path, pages: list[tuple[str, str, bytes]]) -> None:
    """A WARC as a crawler writes it: warcinfo, then request/response pairs."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.suffix == ".gz")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, content_type, payload in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.voanews.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            status = "404 Not Found" if url.endswith("missing") else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2018-04-19T08:00:00Z"},
            )
            writer.write_record(record)


def test_read_warc_reads_each_html_response(tmp_path: Path) -> None:
    headline, paragraphs = candidate(VOA)
    other_headline, other_paragraphs = candidate(DOD)
    undated = "\n".join(
        line
        for line in news_page(other_headline, other_paragraphs).replace(" · April 18, 2018", "").splitlines()
        if "published_time" not in line
    )
    path = tmp_path / "crawl.warc.gz"
    _warc(
        path,
        [
            ("https://www.voanews.com/a/1.html", "text/html; charset=utf-8", news_page(headline, paragraphs).encode()),
            ("https://www.voanews.com/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
            ("https://www.voanews.com/a/2.html", "text/html", undated.encode()),
            ("https://www.voanews.com/missing", "text/html", b"<html><body>Not found</body></html>"),
        ],
    )
    results = list(read_paths([path]))
    assert not errors(results)
    first, second = articles(results)
    assert first.id == first.url == "https://www.voanews.com/a/1.html"
    assert first.title == headline and first.published == "2018-04-18"
    assert " ".join(paragraphs[0].split()) in first.text
    assert first.path == f"{path}#https://www.voanews.com/a/1.html"
    # No date on the page: the crawl date stands in.
    assert second.published == "2018-04-19"


def test_read_warc_that_is_not_one_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a WARC file at all\n"))
    [error] = read_paths([path])
    assert isinstance(error, InputError) and error.source == str(path)


def test_read_folder_recursively_with_sidecar_metadata(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "text" / "2018").mkdir(parents=True)
    (corpus / "text" / "2018" / "kim.txt").write_text("Kim Hopes for Progress\n\nKim said talks went well.\n", encoding="utf-8")
    (corpus / "text" / "abe.txt").write_text("Abe Urges Pressure\n\nAbe said pressure must stay.\n", encoding="utf-8")
    (corpus / "text" / "README.md").write_text("# About this corpus\n", encoding="utf-8")
    (corpus / "text" / "gold.jsonl").write_text('{"file": "abe.txt", "quotes": []}\n', encoding="utf-8")
    (corpus / "text" / "logo.png").write_bytes(b"\x89PNG")
    # PolNeAR's shape: two folders up, file names without .txt, "publisher" and "publication_date".
    (corpus / "metadata.tsv").write_text(
        "compartment\tfilename\tpublisher\tpublication_date\ttitle\tauthor\n"
        "dev\tabe\tnyt\t2018-04-18\tAbe Urges Maximum Pressure\tMotoko Rich\n"
        "dev\tunrelated\tpolitico\t2016-09-01\tOther\tNone\n",
        encoding="utf-8",
    )
    results = list(read_paths([corpus]))
    assert not errors(results)
    by_name = {Path(a.path).name: a for a in articles(results)}
    assert set(by_name) == {"kim.txt", "abe.txt"}
    abe = by_name["abe.txt"]
    assert (abe.title, abe.outlet, abe.published, abe.author) == ("Abe Urges Maximum Pressure", "nyt", "2018-04-18", "Motoko Rich")
    assert by_name["kim.txt"].title == "Kim Hopes for Progress" and by_name["kim.txt"].outlet is None


def test_sidecar_beside_files_with_file_column(tmp_path: Path) -> None:
    (tmp_path / "01.txt").write_text("Headline\n\nBody said here.\n", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text(
        "file\ttitle\toutlet\tpublished\turl\n01.txt\tA Title\tDoD News\t2017-08-31\thttps://www.defense.gov/1\n",
        encoding="utf-8",
    )
    [article] = read_paths([tmp_path])
    assert isinstance(article, Article)
    assert (article.title, article.outlet, article.published, article.url) == ("A Title", "DoD News", "2017-08-31", "https://www.defense.gov/1")


def test_sidecar_without_file_column_is_reported_once(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"{name}\n\nText.\n", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text("title\toutlet\nX\tY\n", encoding="utf-8")
    results = list(read_paths([tmp_path]))
    assert len(articles(results)) == 2
    [error] = errors(results)
    assert error.source.endswith("metadata.tsv") and "file" in error.problem


def test_bad_files_do_not_stop_a_batch(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good\n\nIt said so.\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 said so.".encode("latin-1"))
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    results = list(read_paths([tmp_path / "missing.txt", tmp_path, tmp_path / "empty-folder-missing"]))
    assert [Path(a.path).name for a in articles(results)] == ["good.txt"]
    problems = {Path(e.source).name: e.problem for e in errors(results)}
    assert "no such file" in problems["missing.txt"]
    assert "not UTF-8" in problems["latin1.txt"]
    assert "binary" in problems["binary.txt"]
    assert "empty" in problems["empty.txt"]
    assert "no such file" in problems["empty-folder-missing"]


def test_polnear_folder_gets_its_metadata(polnear: Path) -> None:
    results = list(read_paths([polnear / "dev" / "text"]))
    assert not errors(results)
    found = articles(results)
    assert len(found) == len(list((polnear / "dev" / "text").glob("*.txt")))
    assert all(a.outlet and a.published and a.title for a in found)
