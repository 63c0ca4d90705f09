from __future__ import annotations

from newsspider.core.blocks import parse_page
from newsspider.core.pagekind import is_article

# A four-paragraph Chinese brief: about 150 characters, as much news as 400 Latin ones.
BRIEF = [
    "美國一項研究給運動又找了個好理由，常運動的人，薪水比較多。",
    "克里夫蘭大學的博士分析了一萬兩千人的運動和薪水之間的關係。結果發現，一個星期游泳、舉重或慢跑的人，"
    "薪水比不運動的人高百分之六到百分之九。",
    "研究者說，常運動的人不但身體較好，也比較耐操，所以老闆願意委以重任。",
    "他說，即使是像走路這樣的輕鬆運動，也能帶來較多的薪水。",
]


def test_short_chinese_article_is_an_article() -> None:
    body = "".join(f"<p>{p}</p>" for p in BRIEF)
    page = parse_page(
        f"<html><body><div class='news'><h1>多運動 薪水高</h1>{body}</div></body></html>"
    )
    assert is_article(page, "http://news.example/2012/01/sport.html")[0]


def test_chinese_link_list_is_not_an_article() -> None:
    links = "".join(f"<li><a href='/n/{i}'>{p[:20]}</a></li>" for i, p in enumerate(BRIEF * 3))
    page = parse_page(f"<html><body><ul>{links}</ul></body></html>")
    assert not is_article(page, "http://news.example/2012/01/sport.html")[0]
