"""Pieces of The Levant Ledger's article page: content, comment thread and JSON-LD."""

from __future__ import annotations

import hashlib
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from newsspider.demo.layouts.common import (
    PageView,
    attr,
    esc,
    excerpt,
    inline_html,
    long_date,
    slugify,
)
from newsspider.demo.model import Article, Comment

if TYPE_CHECKING:
    from newsspider.demo.layouts.ledger import LedgerLayout

CREDITS = MappingProxyType(
    {"AFP": "Agence France-Presse", "Reuters": "Reuters", "AP": "Associated Press"}
)
COMMENT_FORM = """<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment *</label>
<textarea id="comment" name="comment" cols="45" rows="8"></textarea></p>
<p class="comment-form-author"><label for="author">Name *</label>
<input id="author" name="author"></p>
<p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email"></p>
<p class="comment-form-url"><label for="url">Website</label><input id="url" name="url"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" value="Post Comment"></p>
</form></div>"""


def body_html(layout: LedgerLayout, article: Article, url: str) -> str:
    """The lead figure and the entry-content div: every block after the standfirst."""
    parts: list[str] = []
    for image in article.images[:1]:
        parts.append(
            f'<figure class="post-thumbnail"><img src="{layout.image_path(article, image)}" '
            f'alt="{attr(image.caption)}" width="1024" height="576">'
            f'<figcaption class="wp-caption-text">{esc(image.caption)}</figcaption></figure>'
        )
    parts.append('<div class="entry-content">')
    for index in range(len(article.blocks)):
        if index > 0:
            parts.append(_block_html(layout, block_index=index, article=article))
        if index == 2 and len(article.images) > 1:
            second = article.images[1]
            parts.append(
                f'<figure class="wp-block-image"><img src="{layout.image_path(article, second)}"'
                f' alt=""><figcaption>{esc(second.caption)}</figcaption></figure>'
            )
        if article.read_also and article.read_also.after == index:
            other = layout.catalog.get(article.read_also.target)
            if other is not None:
                parts.append(
                    f'<aside class="inline-related"><strong>Read more:</strong> '
                    f'<a href="{layout.article_path(other)}">{esc(other.title)}</a></aside>'
                )
    if article.source:
        credit = CREDITS.get(article.source, article.source)
        parts.append(f'<p class="wire-credit"><em>— {esc(credit)}</em></p>')
    share = quote(url, safe="")
    parts.append(
        '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>'
        f'<li><a href="https://twitter.com/intent/tweet?url={share}">Twitter</a></li>'
        f'<li><a href="https://www.facebook.com/sharer.php?u={share}">Facebook</a></li>'
        f'<li><a href="mailto:?subject={quote(article.title)}&amp;body={share}">Email</a></li>'
        "</ul></div>"
    )
    parts.append("</div>")
    return "\n".join(parts)


def _block_html(layout: LedgerLayout, block_index: int, article: Article) -> str:
    block = article.blocks[block_index]
    if block.kind == "h":
        return f"<h2>{esc(block.text)}</h2>"
    target = layout.catalog.get(block.link.target) if block.link else None
    text = inline_html(block, layout.article_path(target) if target else None)
    if block.kind == "q":
        return f'<blockquote class="wp-block-quote"><p>{text}</p></blockquote>'
    return f"<p>{text}</p>"


def comments_html(article: Article, path: str) -> str:
    """The comment thread (nested replies) and the reply form."""
    if not article.comments:
        return f'<div id="comments" class="comments-area">{COMMENT_FORM}</div>'
    count = len(article.comments)
    title = f"{count} thought{'s' if count > 1 else ''} on “{esc(article.title)}”"
    thread = _thread(article.comments, None, path, 1)
    return (
        f'<div id="comments" class="comments-area"><h2 class="comments-title">{title}</h2>'
        f'<ol class="comment-list">{thread}</ol>{COMMENT_FORM}</div>'
    )


def _thread(comments: tuple[Comment, ...], parent: int | None, path: str, depth: int) -> str:
    items = []
    for index, comment in enumerate(c for c in comments if c.parent == parent):
        parity = "even" if index % 2 == 0 else "odd"
        avatar = hashlib.md5(comment.author.encode("utf-8")).hexdigest()[:12]
        children = _thread(comments, comment.number, path, depth + 1)
        nested = f'<ol class="children">{children}</ol>' if children else ""
        items.append(
            f'<li id="comment-{comment.number}" class="comment {parity} depth-{depth}">'
            f'<article id="div-comment-{comment.number}" class="comment-body">'
            '<footer class="comment-meta"><div class="comment-author vcard">'
            f'<img alt="" src="/wp-content/avatars/{avatar}.png" class="avatar" width="32">'
            f'<b class="fn">{esc(comment.author)}</b> <span class="says">says:</span></div>'
            f'<div class="comment-metadata"><a href="{path}#comment-{comment.number}">'
            f'<time datetime="{comment.posted.isoformat()}">{long_date(comment.posted)}</time>'
            "</a></div></footer>"
            f'<div class="comment-content"><p>{esc(comment.text)}</p></div>'
            f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
            f'href="{path}?replytocom={comment.number}#respond">Reply</a></div>'
            f"</article>{nested}</li>"
        )
    return "".join(items)


def json_ld(
    layout: LedgerLayout, view: PageView, article: Article, url: str, name: str
) -> dict[str, Any]:
    """The NewsArticle object the page embeds."""
    if article.authors:
        author: Any = [
            {"@type": "Person", "name": n, "url": view.url(f"/author/{slugify(n)}/")}
            for n in article.authors
        ]
    elif article.source:
        author = {"@type": "Organization", "name": CREDITS.get(article.source, article.source)}
    else:
        author = {"@type": "Organization", "name": name}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": excerpt(article),
        "datePublished": article.published.isoformat(),
        "author": author,
        "publisher": {
            "@type": "Organization",
            "name": name,
            "logo": {
                "@type": "ImageObject",
                "url": view.url("/wp-content/themes/newsline/logo.svg"),
            },
        },
        "articleSection": layout.spec.section(article.topic).name,
        "keywords": list(article.tags),
        "inLanguage": "en-GB",
    }
    if article.modified:
        data["dateModified"] = article.modified.isoformat()
    if article.images:
        data["image"] = [view.url(layout.image_path(article, i)) for i in article.images]
    return data
