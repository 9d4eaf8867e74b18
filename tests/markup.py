"""What a sanitised piece of user-supplied HTML may still contain."""

import re
from html.parser import HTMLParser

from kalanso.sanitize import ALLOWED_TAGS


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def unsafe_markup(html):
    """Tags outside the sanitiser's allow-list, attributes other than
    href/title/rel, or script URLs, in ``html``."""
    parser = TagCollector()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(tag)
        for name, value in attrs.items():
            if name not in ("href", "title", "rel") or re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                problems.append(f"{tag}[{name}={value}]")
    return problems
