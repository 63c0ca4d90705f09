from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from newsspider.core.blocks import parse_page
from newsspider.core.template import Cleaned, SiteModel, TemplateConfig

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

SENTENCES = [
    "The council approved the new budget after a long debate on Tuesday evening.",
    "Farmers in the north reported the best harvest in a decade this autumn.",
    "The central bank kept interest rates unchanged, citing stable inflation figures.",
    "Engineers finished the bridge two months ahead of the planned schedule.",
    "Doctors urged residents to get vaccinated before the winter season begins.",
    "The museum will open a new wing dedicated to modern regional painting.",
]


WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()


def tag(n: int, k: int) -> str:
    """Words (not digits: repetition is counted with digits folded) naming paragraph k of n."""
    return f"Item {WORDS[n % 12]} {WORDS[n // 12 % 12]} {WORDS[k % 12]}."


def article_page(n: int, body: list[str], stamp: str, related: list[str]) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    reporter = f"{WORDS[n % 12].title()} {WORDS[n // 12 % 12].title()}"
    links = "".join(f"<li><a href='/n/{i}'>{h}</a></li>" for i, h in enumerate(related))
    return f"""<html><head><title>Story {n} | Daily Site</title></head><body>
    <ul class="menu"><li><a href="/">Home</a></li><li><a href="/p">Politics</a></li></ul>
    <div class="stamp">Last Updated : GMT {stamp}</div>
    <div id="post-{n}" class="article"><h1>Story {n} headline words</h1>
    <div class="byline">By Reporter {reporter}</div>{paragraphs}</div>
    <div class="related"><h3>Related</h3><ul>{links}</ul></div>
    <form><label>Name *</label><label>Comment *</label></form>
    <div class="footer">All rights reserved to Daily Site 2025</div></body></html>"""


def site_pages(count: int) -> list[str]:
    pages = []
    for n in range(count):
        body = [f"{SENTENCES[(n + k) % len(SENTENCES)]} {tag(n, k)}" for k in range(3 + n % 3)]
        related = [f"Other headline {tag(n, k)} about events" for k in range(5)]
        pages.append(article_page(n, body, f"{n % 24:02d}:{n % 60:02d}:1{n % 10}", related))
    return pages


def learn(pages: list[str], **config: int) -> tuple[SiteModel, list]:
    model = SiteModel(TemplateConfig(**config))
    obs = [model.observe(parse_page(p)) for p in pages]
    model.finalize()
    return model, obs


def clean_one(pages: list[str], n: int) -> Cleaned:
    """Learn a site from `pages`, then clean its page `n`."""
    model, obs = learn(pages)
    return model.clean(obs[n])


def test_template_lines_are_stripped_and_article_kept() -> None:
    model, obs = learn(site_pages(12))
    for n, o in enumerate(obs):
        text = model.clean(o).text
        assert tag(n, 0) in text
        for template_line in ("Home", "Last Updated", "Name *", "All rights reserved", "Related"):
            assert template_line not in text
        assert "Other headline number" not in text


def test_same_place_different_text_is_template() -> None:
    model, obs = learn(site_pages(12))
    cleaned = model.clean(obs[3])
    assert "By Reporter" not in cleaned.text
    assert "template_place" in cleaned.reasons()


def test_article_quoting_template_words_keeps_them() -> None:
    pages = site_pages(10)
    quote = "All rights reserved to Daily Site 2025"
    pages[4] = pages[4].replace('<div class="byline">', f'<p>{quote}</p><div class="byline">')
    model, obs = learn(pages)
    assert quote in model.clean(obs[4]).text


def test_warmup_holds_until_enough_pages() -> None:
    model = SiteModel(TemplateConfig(warmup_pages=5))
    obs = [model.observe(parse_page(p)) for p in site_pages(4)]
    assert not any(model.ready(o) for o in obs)
    fifth = model.observe(parse_page(site_pages(5)[4]))
    assert model.ready(fifth) and all(model.ready(o) for o in obs)


def test_short_page_uses_learned_region() -> None:
    pages = site_pages(12)
    pages.append(article_page(99, ["One line brief about the weather today."], "01:02:03", []))
    model, obs = learn(pages)
    assert model.clean(obs[-1]).text == "One line brief about the weather today."


def test_state_round_trips_through_json() -> None:
    model, _ = learn(site_pages(10))
    restored = SiteModel.from_dict(json.loads(json.dumps(model.to_dict())))
    page = parse_page(site_pages(11)[10])
    obs = restored.observe(page)
    assert restored.ready(obs)
    assert tag(10, 0) in restored.clean(obs).text
    assert "Home" not in restored.clean(obs).text


def test_hostile_state_is_refused_clearly() -> None:
    with pytest.raises(ValueError):
        SiteModel.from_dict({"version": 99, "clusters": []})
    with pytest.raises(ValueError):
        SiteModel.from_dict({"version": 1, "clusters": [{"pages": "x"}]})


def test_model_memory_is_bounded() -> None:
    model = SiteModel(TemplateConfig(warmup_pages=2, bucket_pages=20, max_entries=500))
    for n in range(300):
        body = [f"Unique paragraph {tag(n, k)} {n} with words." for k in range(4)]
        model.observe(parse_page(article_page(n, body, "00:00:00", [f"H {n}"])))
    assert all(len(c.texts) <= 500 for c in model.clusters)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_site_beats_plain_text() -> None:
    index = [json.loads(line) for line in (CORPUS / "index.jsonl").open()]
    pages = [p for p in index if p["site"] == "bbc.co.uk_news"]
    model, obs = learn(
        [(CORPUS / p["html_path"]).read_bytes().decode("utf-8", "replace") for p in pages]
    )
    gold = (CORPUS / pages[0]["gold_path"]).read_text()
    text = model.clean(obs[0]).text
    gold_words, text_words = set(gold.lower().split()), set(text.lower().split())
    assert len(gold_words & text_words) / len(gold_words) > 0.8
    assert len(gold_words & text_words) / len(text_words) > 0.8


def test_site_without_class_names_learns_and_cleans() -> None:
    pages = [p.replace('class="', 'data-x="').replace('id="', 'data-y="') for p in site_pages(8)]
    model, obs = learn(pages, warmup_pages=3)
    later = model.observe(parse_page(site_pages(9)[8].replace('class="', 'data-x="')))
    assert model.ready(later)
    assert tag(8, 0) in model.clean(later).text


def test_state_of_an_older_version_is_refused() -> None:
    state = learn(site_pages(6))[0].to_dict()
    state["version"] = 1
    with pytest.raises(ValueError, match="version"):
        SiteModel.from_dict(state)


def test_one_page_under_several_urls_is_counted_once() -> None:
    pages = site_pages(10)
    pages += [pages[3]] * 3  # the same page served again: its article is not template
    model, obs = learn(pages)
    for o in (obs[3], obs[-1]):
        assert tag(3, 0) in model.clean(o).text


def test_sentence_shared_by_two_pages_is_kept() -> None:
    pages = site_pages(12)
    shared = (
        "Each week this column answers one question that readers sent to the desk, "
        "and this week it is about the bridge."
    )
    for n in (2, 7):
        pages[n] = pages[n].replace('<div class="byline">', f'<p>{shared}</p><div class="byline">')
    model, obs = learn(pages)
    assert shared in model.clean(obs[2]).text


def with_inserted(html: Callable[[int], str], only: int | None = None) -> list[str]:
    """Ten site pages, each (or page `only` alone) with ``html(page)`` after its first
    paragraph."""
    return [
        p.replace("</p></div>", f"</p>{html(n)}</div>", 1) if only in (None, n) else p
        for n, p in enumerate(site_pages(10))
    ]


def list_in_article(item: Callable[[int, int], str], attrs: str = "") -> list[str]:
    """Ten site pages, each with a list of four ``item(page, k)`` after its first paragraph."""
    return with_inserted(lambda n: f"<ul{attrs}>{''.join(item(n, k) for k in range(4))}</ul>")


def test_teaser_strip_on_every_page_is_dropped() -> None:
    pages = list_in_article(
        lambda n, k: (
            f"<li class='card'><h4>Video {tag(n, k)}</h4><p>Clip {tag(n, k)} on it.</p></li>"
        ),
        " class='strip'",
    )
    cleaned = clean_one(pages, 4)
    assert "Video" not in cleaned.text and "Clip" not in cleaned.text
    assert tag(4, 0) in cleaned.text


def test_figure_caption_is_dropped() -> None:
    pages = site_pages(10)
    figure = "<figure><img src='/i.jpg'><figcaption>A crowd gathers at dawn.</figcaption></figure>"
    pages[5] = pages[5].replace('<div class="byline">', figure + '<div class="byline">')
    cleaned = clean_one(pages, 5)
    assert "A crowd gathers" not in cleaned.text
    assert "caption" in cleaned.reasons()


def test_article_continued_in_a_second_container_is_kept() -> None:
    pages = site_pages(12)
    more = "".join(f"<p>Further detail {tag(6, k)} {SENTENCES[k]}</p>" for k in range(3))
    pages[6] = pages[6].replace(
        '<div class="related">', f'<div class="more">{more}</div><div class="related">'
    )
    pages = [p.replace('<div id="post-', '<div class="wrap"><div id="post-') for p in pages]
    pages = [p.replace('<div class="related">', '</div><div class="related">') for p in pages]
    model, obs = learn(pages)
    assert f"Further detail {tag(6, 2)}" in model.clean(obs[6]).text


def test_list_of_headline_links_in_the_article_is_dropped() -> None:
    pages = list_in_article(
        lambda n, k: (
            f"<li><a href='/s/{k}'>Story {tag(n, k)}</a> from the wire desk, two hours ago</li>"
        )
    )
    cleaned = clean_one(pages, 4)
    assert "Story" not in cleaned.text and "wire desk" not in cleaned.text
    assert tag(4, 0) in cleaned.text


def test_region_that_is_the_whole_document_is_not_learned() -> None:
    # Body classes split the pages three ways, so only <html> is voted by most pages: that
    # says nothing of where the article is, and each page's own best subtree is used.
    pages = []
    for n, page in enumerate(site_pages(10)):
        body = "a b" if n < 4 else "a" if n < 7 else "b"
        note = f"Weather note for the coast: {tag(n, 9)} with sunny spells and a light breeze."
        page = page.replace("<body>", f'<body class="{body}">')
        pages.append(
            page.replace(
                '<div class="related">',
                f'<div class="aside"><p>{note}</p></div><div class="related">',
            )
        )
    cleaned = clean_one(pages, 5)
    assert "Weather note" not in cleaned.text
    assert tag(5, 0) in cleaned.text


def test_unique_line_beside_longer_template_text_is_not_article() -> None:
    # Template text counts against a subtree as much as page-unique text counts for it, so
    # a wrapper holding a per-page blurb and a longer share line is not the article region.
    share = (
        "Share this story with your friends and family on every social network you use, "
        "or send it to them by email."
    )
    pages = []
    for n, page in enumerate(site_pages(10)):
        blurb = f"Editor pick of the day: {tag(n, 8)} read the whole series online."
        page = page.replace('<div id="post-', '<div class="main"><div id="post-')
        pages.append(
            page.replace(
                '<div class="related">',
                f'<p class="pick">{blurb}</p><div class="share">{share}</div></div>'
                '<div class="related">',
            )
        )
    cleaned = clean_one(pages, 3)
    assert "Editor pick" not in cleaned.text and "Share this" not in cleaned.text
    assert tag(3, 0) in cleaned.text


def test_subheading_between_paragraphs_is_kept_when_one_paragraph_dominates() -> None:
    # On every page one long paragraph outweighs its container (which also holds a share
    # line): the region learned is still the container, not the path of its paragraphs.
    share = (
        "Share this article on Facebook, Twitter, LinkedIn or by email with your friends, "
        "and sign up to our morning newsletter to get the best of our journalism every day."
    )
    pages = []
    for n in range(10):
        long = " ".join(f"{SENTENCES[(n + k) % len(SENTENCES)]} {tag(n, k)}" for k in range(4))
        body = (
            f"<p>{long}</p><h2>Section {tag(n, 5)} and what the council said of it next</h2>"
            f"<p>Short close {tag(n, 6)}.</p>"
            f'<div class="share">{share}</div>'
        )
        pages.append(
            article_page(n, [], "01:02:03", ["Other"]).replace(
                '<div class="related">', f'<div class="body">{body}</div><div class="related">'
            )
        )
    cleaned = clean_one(pages, 2)
    assert f"Section {tag(2, 5)}" in cleaned.text
    assert f"Short close {tag(2, 6)}" in cleaned.text


def test_numbered_sections_closing_an_article_are_kept() -> None:
    # "1. Plan ahead" headings recur like comment stamps, but an ordinal is not a time.
    def listicle(n: int) -> str:
        return "".join(
            f"<h3>{k}. Tip {tag(n, k)}</h3><p>{SENTENCES[k]} {tag(n, k + 6)}</p>"
            f"<p>{SENTENCES[k + 1]} More on tip {tag(n, k)}.</p>"
            for k in range(1, 5)
        )

    pages = with_inserted(listicle)
    cleaned = clean_one(pages, 3)
    assert f"4. Tip {tag(3, 4)}" in cleaned.text
    assert f"More on tip {tag(3, 4)}" in cleaned.text


def test_footer_inside_the_article_is_dropped() -> None:
    pages = [
        p.replace(
            "</p></div>",
            f"</p><footer><p>Filed under {tag(n, 7)} by the night desk, with notes on sources"
            "</p></footer></div>",
            1,
        )
        for n, p in enumerate(site_pages(10))
    ]
    cleaned = clean_one(pages, 6)
    assert "Filed under" not in cleaned.text
    assert tag(6, 0) in cleaned.text
    assert "furniture" in cleaned.reasons()


def test_poll_form_inside_the_article_is_dropped() -> None:
    def poll(n: int) -> str:
        options = "".join(f"<div>Option {tag(n, k)} for the vote</div>" for k in range(3))
        return f"<form><h3>Quick poll of the {tag(n, 9)} readers today</h3>{options}</form>"

    pages = with_inserted(poll)
    cleaned = clean_one(pages, 2)
    assert "Quick poll" not in cleaned.text and "Option" not in cleaned.text
    assert tag(2, 0) in cleaned.text


def test_article_wrapped_in_a_form_is_kept() -> None:
    # Some frameworks wrap content in a <form>: one that holds most of the region's text is
    # a wrapper, not a poll.
    pages = []
    for n, page in enumerate(site_pages(10)):
        page = page.replace('<div class="byline">', '<form id="main"><div class="byline">')
        closing = f"<p>Closing words {tag(n, 8)} of the story, with thanks to all who wrote.</p>"
        page = page.replace("</p></div>", f"</p></form>{closing}</div>", 1)
        pages.append(page)
    cleaned = clean_one(pages, 7)
    assert tag(7, 0) in cleaned.text and tag(7, 2) in cleaned.text


def test_gallery_captions_outside_figure_elements_are_dropped() -> None:
    def gallery(n: int) -> str:
        items = "".join(
            f"<div class='photo'><img src='/g/{k}.jpg'>Crowds gather {tag(n, k)} at dawn.</div>"
            for k in range(4)
        )
        return f"<div class='gallery'>{items}</div>"

    pages = [
        p.replace("</p>", f"</p>{gallery(n)}", 1) if n == 5 else p
        for n, p in enumerate(site_pages(10))
    ]
    cleaned = clean_one(pages, 5)
    assert "Crowds gather" not in cleaned.text
    assert "caption" in cleaned.reasons()
    assert tag(5, 0) in cleaned.text and tag(5, 1) in cleaned.text


def test_comment_thread_with_tools_in_every_item_is_dropped() -> None:
    def thread(n: int) -> str:
        tools = "".join(f"<div class='tool'>{w}</div>" for w in WORDS[:10])
        items = "".join(
            f"<div class='note'><div class='who'>Reader {WORDS[k]}</div>"
            f"<div class='when'>{k + 1} Jan 12, 10:{k}6</div>"
            f"<p>I think {tag(n, k)} is wrong and I said so before.</p>{tools}</div>"
            for k in range(4)
        )
        return f"<div class='forum'>{items}</div>"

    pages = with_inserted(thread)
    cleaned = clean_one(pages, 4)
    assert "I think" not in cleaned.text
    assert tag(4, 0) in cleaned.text


def test_standfirst_a_few_containers_above_the_body_is_kept() -> None:
    def page(n: int) -> str:
        body = "".join(f"<p>{SENTENCES[(n + k) % 6]} {tag(n, k)}</p>" for k in range(3))
        return f"""<html><head><title>Story {n}</title></head><body>
        <ul class="menu"><li><a href="/">Home</a></li><li><a href="/p">Politics</a></li></ul>
        <div id="article"><h1>Story {n} headline words</h1>
        <div id="lead">Lead {tag(n, 9)}: the minister said the plan would go ahead anyway.</div>
        <div class="share">Share this story with your friends on every network you use</div>
        <div class="share">Send us your own pictures, videos and tips about the news</div>
        <div id="body"><div id="art"><div id="art0"><div id="text">{body}</div></div></div>
        </div></div><div class="footer">All rights reserved to Daily Site 2025</div>
        </body></html>"""

    model, obs = learn([page(n) for n in range(10)])
    for n in (2, 7):
        cleaned = model.clean(obs[n])
        assert f"Lead {tag(n, 9)}" in cleaned.text
        assert "All rights reserved" not in cleaned.text


def test_prose_far_above_the_body_is_not_a_standfirst() -> None:
    def page(n: int) -> str:
        body = "".join(f"<p>{SENTENCES[(n + k) % 6]} {tag(n, k)}</p>" for k in range(3))
        menu = "".join(f"<li><a href='/{w}'>{w.title()} news</a></li>" for w in WORDS)
        return f"""<html><head><title>Story {n}</title></head><body><div id="article">
        <div class="top"><p>Weather {tag(n, 9)}: showers in the west, sun in the east later.</p>
        </div><ul class="menu">{menu}</ul>
        <div class="share">Share this story with your friends on every network you use</div>
        <div id="body"><div id="art"><div id="text">{body}</div></div></div>
        </div></body></html>"""

    model, obs = learn([page(n) for n in range(10)])
    cleaned = model.clean(obs[3])
    assert tag(3, 0) in cleaned.text
    assert "Weather" not in cleaned.text


def test_flat_thread_with_some_long_signatures_is_dropped() -> None:
    def thread(n: int) -> str:
        lines = []
        for k in range(20):
            lines.append(f"<p>Comment {tag(n, k)} says this is a shame and a scandal.</p>")
            name = f"Reader {WORDS[k % 12]}" + (
                " of the Riverside Neighbourhood Forum" * (7 < k < 12)
            )
            lines.append(
                f"<p class='posted'>Posted by: {name} | Mar {k + 1}, 2007 2:0{k % 10} PM</p>"
            )
        return f"<div class='comments'>{''.join(lines)}</div>"

    cleaned = clean_one(with_inserted(thread, only=6), 6)
    assert "Posted by" not in cleaned.text
    assert all(f"Comment {tag(6, k)}" not in cleaned.text for k in range(1, 12))
    assert tag(6, 0) in cleaned.text


def test_subheading_at_a_recurring_place_between_paragraphs_is_kept() -> None:
    pages = [
        p.replace("</p><p>", f"</p><h3>Turn {tag(n, 7)}</h3><p>", 1)
        for n, p in enumerate(site_pages(10))
    ]
    model, obs = learn(pages)
    for n in (3, 8):
        cleaned = model.clean(obs[n])
        assert f"Turn {tag(n, 7)}" in cleaned.text
        assert "Last Updated" not in cleaned.text


def test_paragraphs_with_pictures_between_plain_ones_are_not_a_gallery() -> None:
    def body(n: int) -> str:
        return "".join(
            f"<div class='pic'><img src='/i/{k}.jpg'>Scene {tag(n, k)}: {SENTENCES[k]}</div>"
            f"<p>{SENTENCES[(k + 1) % 6]} {tag(n, k + 6)}</p>"
            for k in range(4)
        )

    cleaned = clean_one(with_inserted(body, only=5), 5)
    assert all(f"Scene {tag(5, k)}" in cleaned.text for k in range(4))


def test_block_whose_text_is_html_code_is_dropped() -> None:
    pages = site_pages(10)
    ad = (
        "<p>&lt;a href=&quot;http://ads.example/click?id=7&quot;&gt;&lt;img "
        "src=&quot;http://ads.example/banner.gif&quot; border=0&gt;&lt;/a&gt;</p>"
    )
    prose = "<p>Use the &lt;b&gt; element sparingly, the style guide of the newsroom says.</p>"
    pages[5] = pages[5].replace('<div class="byline">', ad + prose + '<div class="byline">')
    cleaned = clean_one(pages, 5)
    assert "ads.example" not in cleaned.text
    assert "markup" in cleaned.reasons()
    assert "style guide of the newsroom" in cleaned.text


def test_a_rerun_puts_each_page_back_in_the_cluster_that_learned_it() -> None:
    # Six pages of one layout and four of another arrive during the warm-up of one cluster
    # (fewer pages than the warm-up, so they are learned together at the end).
    pages = site_pages(10)
    for n in range(6, 10):
        wrapped = "".join(f"<div class='w{k}'><section class='s{k}'>" for k in range(8))
        pages[n] = (
            pages[n]
            .replace("<body>", "<body>" + wrapped)
            .replace("</body>", "</section></div>" * 8 + "</body>")
        )
    urls = [f"http://site.example/n/{n}" for n in range(10)]
    model = SiteModel(TemplateConfig())
    cold = [model.observe(parse_page(p), u) for p, u in zip(pages, urls, strict=True)]
    model.finalize()
    texts = [model.clean(o).text for o in cold]
    rerun = SiteModel.from_dict(json.loads(json.dumps(model.to_dict())))
    again = [rerun.observe(parse_page(p), u) for p, u in zip(pages, urls, strict=True)]
    assert len(rerun.clusters) == len(model.clusters) == 1
    assert all(rerun.ready(o) for o in again)
    assert [rerun.clean(o).text for o in again] == texts


def test_clean_reuses_the_votes_reasons_until_another_page_is_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = site_pages(12)
    model, obs = learn(pages[:11], warmup_pages=20)  # one warm-up: all counted, then voted
    calls: list[int] = []
    classify = SiteModel._classify

    def counting(self: SiteModel, cluster: object, o: object) -> list[str | None]:
        calls.append(1)
        return classify(self, cluster, o)  # type: ignore[arg-type]

    monkeypatch.setattr(SiteModel, "_classify", counting)
    assert tag(0, 0) in model.clean(obs[0]).text
    assert calls == []  # classified by its vote, nothing counted since
    late = model.observe(parse_page(pages[11]))
    assert calls == [1]  # the new page's vote
    assert tag(11, 0) in model.clean(late).text and calls == [1]
    assert tag(1, 0) in model.clean(obs[1]).text and calls == [1, 1]  # counted since: anew
    assert tag(0, 0) in model.clean(obs[0]).text and calls == [1, 1, 1]  # reasons used up


def test_prose_citing_its_sources_in_links_is_kept_inside_the_article() -> None:
    cited = (
        "As noted in <a href='/s/1'>our earlier story on the spending plan</a>, the council "
        "<a href='/s/2'>approved the new budget</a> after members "
        "<a href='/s/3'>debated the tax measures</a> for hours."
    )
    closing = (
        "<p>Read more at the Wire, which covered the vote: <a href='/s/4'>Council approves "
        "the spending plan after long debate on taxes</a> and <a href='/s/5'>what it "
        "means</a>.</p>"
    )
    pages = site_pages(10)
    pages[4] = pages[4].replace("</p><p>", f"</p><p>{cited}</p><p>", 1)
    pages[4] = pages[4].replace("</p></div>", f"</p>{closing}</div>", 1)
    cleaned = clean_one(pages, 4)
    assert "the council approved the new budget after members" in cleaned.text
    assert "Read more at the Wire" not in cleaned.text
    assert tag(4, 0) in cleaned.text


def test_card_embedded_in_the_article_is_dropped_but_not_a_section_of_prose() -> None:
    card = (
        "<article class='card'><img src='/g.jpg'><h3>Gallery: scenes from the harbour "
        "festival</h3><p>Boats at dawn.</p></article>"
    )
    section = (
        f"<article class='part'><p>{SENTENCES[1]} {SENTENCES[2]} Part {tag(6, 9)}</p></article>"
    )
    pages = site_pages(10)
    pages[5] = pages[5].replace("</p><p>", f"</p>{card}<p>", 1)
    pages[6] = pages[6].replace("</p><p>", f"</p>{section}<p>", 1)
    model, obs = learn(pages)
    card_page, section_page = model.clean(obs[5]), model.clean(obs[6])
    assert "harbour festival" not in card_page.text and "Boats at dawn" not in card_page.text
    assert tag(5, 1) in card_page.text
    assert f"Part {tag(6, 9)}" in section_page.text


def test_in_subtrees_marks_blocks_under_nested_roots_once() -> None:
    from newsspider.core.region import in_subtrees

    page = parse_page(
        "<div id='a'><p>x</p><div id='b'><p>y</p></div></div><p>z</p><div id='c'><p>w</p></div>"
    )
    node_of = {tokens: i for i, tokens in enumerate(page.tokens) if tokens}
    a, b, c = node_of[("#a",)], node_of[("#b",)], node_of[("#c",)]
    assert in_subtrees(page, {a, b}) == [True, True, False, False]
    assert in_subtrees(page, {b, c}) == [False, True, False, True]
    assert in_subtrees(page, {-1}) == [False] * 4
    assert in_subtrees(page, set()) == [False] * 4
