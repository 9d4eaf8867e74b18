"""The one place where user-supplied text is sanitised (bleach, explicit allow-list)."""

import bleach

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h3",
        "h4",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def clean_html(value: str) -> str:
    """Keep a small set of formatting tags; drop everything else (scripts, styles, events)."""
    cleaned = bleach.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return bleach.linkify(cleaned, callbacks=[_nofollow], parse_email=False)


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs
