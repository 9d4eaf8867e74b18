"""The whole site as each demo role meets it, on a 360 × 740 phone, in French
and in English.

For every one of the seven demo accounts (``demo.site.ACCOUNTS``, seeded with
``seed_demo`` and ``seed_demo_cascade``) the crawler logs in, then follows every
link from the role's start pages (the home page and the page the login lands
on), breadth first, staying in the language being crawled. Each page it opens
must:

- fit the phone: the document is never wider than the 360 px viewport;
- pass axe-core without serious or critical violations;
- speak one language: no UI string of the other language, recognised with the
  project's message catalogue (``locale/fr/LC_MESSAGES/django.po``): on a French
  page a msgid whose French differs and that is no French string itself; on an
  English page a French msgstr that is no English msgid. Text marked with a
  ``lang`` attribute of the other language (a course title with no
  translation) is allowed, and user content (course text, names) never matches
  a whole catalogue string.

To stay affordable on two cores the crawl opens one page per URL name (per
page type for Wagtail pages, per set of query parameters) and role, at most
``MAX_PAGES_PER_ROLE`` per role and language; one Chromium serves every role.
The Wagtail admin is crawled for the language check only (its layout and
markup are Wagtail's), with its own smaller cap.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.core.management import call_command
from django.urls import Resolver404, resolve

import polib
import pytest
from playwright.sync_api import Error as PlaywrightError

from demo.site import ACCOUNTS
from kalanso.accounts.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
CATALOGUE = BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
DEMO_PASSWORD = "kalanso-demo"
VIEWPORT = {"width": 360, "height": 740}
MAX_PAGES_PER_ROLE = 30
MAX_ADMIN_PAGES_PER_ROLE = 6
# Links the crawler never follows: leaving the session, files, machine interfaces.
SKIP_PATH = re.compile(
    r"/logout/|^/api/|^/documents/|^/django-admin/|^/static/|^/media/"
    r"|\.(pdf|csv|xlsx|ics|json|jsonld|jwt|xml|zip|gift|txt|svg|png|jpe?g)$"
    r"|/(export|download|pdf|xlsx|csv|ics|calendar\.ics|feed)(/|$)"
)
# In the admin: only the pages an editor reads; no history diffs, no previews.
ADMIN_SKIP = re.compile(r"/preview/|/revisions/|/compare/|/workflow/|/logout/")

# Strings Wagtail's own templates write in English whatever the language
# (wagtailadmin/shared/header.html and home.html: a visually hidden "Search"
# submit button): upstream, not ours to translate.
ADMIN_UPSTREAM_ENGLISH = {"Search"}

# Visible text and the attributes a screen reader speaks, with the language in
# force at each node (the nearest ``lang`` attribute).
COLLECT_TEXT = """(admin) => {
  const out = [];
  const skipTags = 'script,style,noscript,template';
  const langOf = (el) => { const l = el.closest('[lang]'); return l ? l.getAttribute('lang') : ''; };
  const where = (el) => el.outerHTML.replace(/\\s+/g, ' ').slice(0, 160);
  // In the admin, tables, choices and options list content (page titles, group
  // names, languages named in their own language): not UI.
  const ignored = (el) => el.closest(skipTags)
    || (admin && (el.closest('td,option') || el.querySelector('input[type=checkbox],input[type=radio]')));
  // An element's text without its children marked in another language.
  const textOf = (el, lang) => {
    let text = '';
    for (const child of el.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue;
      else if (child.nodeType === Node.ELEMENT_NODE && !child.matches(skipTags)) {
        const own = child.getAttribute('lang');
        if (!own || own === lang) text += textOf(child, lang);
      }
    }
    return text;
  };
  const norm = (text) => text.replace(/\\s+/g, ' ').trim();
  const blocks = 'p,li,h1,h2,h3,h4,h5,h6,label,button,a,th,td,dt,dd,legend,summary,caption,figcaption,option,span,text';
  for (const el of document.body.querySelectorAll(blocks)) {
    if (ignored(el)) continue;
    const lang = langOf(el);
    for (const text of new Set([norm(textOf(el, lang)), ...[...el.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => norm(n.nodeValue))])) {
      if (text) out.push([text, lang, where(el)]);
    }
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder],[alt],input[type=submit],input[type=button]')) {
    if (ignored(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (name === 'value' && el.tagName !== 'INPUT') continue;
      const value = norm(el.getAttribute(name) || '');
      if (value) out.push([value, langOf(el), where(el)]);
    }
  }
  const title = norm(document.title);
  if (title) out.push([title, document.documentElement.getAttribute('lang') || '', '<title>']);
  return out;
}"""

WIDTH = """() => ({
  document: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
  viewport: document.documentElement.clientWidth,
  widest: [...document.querySelectorAll('body *')]
    .map((el) => [el.getBoundingClientRect().right, el])
    .filter(([right]) => right > document.documentElement.clientWidth + 1)
    .sort((a, b) => b[0] - a[0]).slice(0, 3)
    .map(([right, el]) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} (${Math.round(right)} px)`),
})"""

# English pages write dates with the month's name; 11/13/2026 is ambiguous.
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdifr]|%[sdif]|\{[a-z_]*\}")
TAG = re.compile(r"<[^>]+>")


def _pattern(text):
    """A catalogue string as a regular expression over a whole text: tags
    dropped, placeholders matching anything, or None when too little of the
    string is fixed to recognise it."""
    text = re.sub(r"\s+", " ", TAG.sub("", text)).strip()
    if not text:
        return None
    parts = PLACEHOLDER.split(text)
    literal = "".join(parts)
    if len(parts) > 1 and len(re.sub(r"[^\w]", "", literal)) < 8:
        return None
    if len(parts) == 1 and not re.search(r"[^\W\d_]{2}", text):
        return None
    return ".+?".join(re.escape(part) for part in parts)


class Catalogue:
    """English and French UI strings from the project's message catalogue."""

    def __init__(self, path=CATALOGUE):
        english, french = set(), set()
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            pairs = [(entry.msgid, entry.msgstr)]
            if entry.msgid_plural:
                forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
                pairs = [(entry.msgid, forms[0]), (entry.msgid_plural, forms[-1])]
            for msgid, msgstr in pairs:
                if not msgstr:
                    continue
                english.add(msgid)
                french.add(msgstr)
        self.strings = {"en": english, "fr": french}
        self.regex = {
            lang: self._compile(strings) for lang, strings in self.strings.items()
        }
        # A string is foreign to a page when it matches the other language's
        # strings and none of the page language's own.
        self.foreign = {
            "fr": self._compile(english - french),
            "en": self._compile(french - english),
        }
        self.own = self.regex

    @staticmethod
    def _compile(strings):
        patterns = sorted(
            {p for p in map(_pattern, strings) if p}, key=len, reverse=True
        )
        return re.compile("(?:" + "|".join(patterns) + ")")

    def wrong_language(self, texts, lang, allowed=frozenset()):
        """The texts (with the language in force) that are UI strings of the
        other language on a page in ``lang``."""
        found = []
        for text, node_lang, where in texts:
            if node_lang and node_lang.split("-")[0] != lang:
                continue  # marked as the other language on purpose
            if len(text) > 300 or text in allowed:
                continue
            if self.foreign[lang].fullmatch(text) and not self.own[lang].fullmatch(
                text
            ):
                found.append(f"{text!r} in {where}")
        return sorted(set(found))


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue()


def wagtail_page_types():
    """Relative URL → page type of every live Wagtail page."""
    from wagtail.models import Page

    types = {}
    for page in Page.objects.live().specific():
        url = page.get_url()
        if url:
            types[urlsplit(url).path] = type(page).__name__
    return types


def pattern_key(path, query, page_types):
    """What makes two URLs the same page for the crawl: the URL name (the page
    type for Wagtail pages) and the names of the query parameters."""
    params = ",".join(sorted({name for name, _ in parse_qsl(query)}))
    if path.startswith("/admin/"):
        # Wagtail's admin: one page per view, numbers and slugs generalised.
        return "admin:" + re.sub(r"/\d+/", "/N/", path) + "?" + params
    try:
        match = resolve(path)
    except Resolver404:
        return "404:" + path
    name = match.view_name
    if match.url_name in ("wagtail_serve", None) or "serve" in (name or ""):
        name = "wagtail:" + page_types.get(path, path)
    return f"{name}?{params}"


def log_in(page, lang, email):
    page.goto(f"/{lang}/accounts/login/")
    form = page.locator('main form[method="post"]')
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return urlsplit(page.url).path


class Crawl:
    def __init__(self, page, lang, role, origin, catalogue, axe_source, page_types):
        self.page = page
        self.lang = lang
        self.role = role
        self.origin = origin
        self.catalogue = catalogue
        self.axe_source = axe_source
        self.page_types = page_types
        self.seen_keys = set()
        self.seen_urls = set()
        self.visited = []
        self.problems = []

    def allowed(self, url):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return False
        path = parts.path
        if SKIP_PATH.search(path):
            return False
        if path.startswith("/admin/"):
            return not ADMIN_SKIP.search(path)
        return path.startswith(f"/{self.lang}/")

    def run(self, start_paths):
        from tests.browser.conftest import axe_violations, format_violations

        queue = deque(start_paths)
        counts = {"site": 0, "admin": 0}
        while queue:
            url = urljoin(self.origin, queue.popleft()).split("#")[0]
            if url in self.seen_urls:
                continue
            self.seen_urls.add(url)
            parts = urlsplit(url)
            area = "admin" if parts.path.startswith("/admin/") else "site"
            cap = MAX_ADMIN_PAGES_PER_ROLE if area == "admin" else MAX_PAGES_PER_ROLE
            key = pattern_key(parts.path, parts.query, self.page_types)
            if key in self.seen_keys or counts[area] >= cap:
                continue
            self.seen_keys.add(key)
            try:
                response = self.page.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # a file, not a page
                raise
            if response is None or "text/html" not in response.headers.get(
                "content-type", ""
            ):
                continue
            counts[area] += 1
            label = f"{self.role} [{self.lang}] {parts.path}{'?' + parts.query if parts.query else ''}"
            self.visited.append(label)
            if response.status >= 500:
                self.problems.append(f"{label}: HTTP {response.status}")
                continue
            if area == "site":
                width = self.page.evaluate(WIDTH)
                if width["document"] > width["viewport"]:
                    self.problems.append(
                        f"{label}: {width['document']} px wide on a "
                        f"{width['viewport']} px screen; widest: {', '.join(width['widest'])}"
                    )
                violations = axe_violations(self.page, self.axe_source)
                if violations:
                    self.problems.append(
                        format_violations(label, self.page.url, violations)
                    )
                html_lang = self.page.evaluate("() => document.documentElement.lang")
                if html_lang != self.lang:
                    self.problems.append(f"{label}: <html lang={html_lang!r}>")
            wrong = self.catalogue.wrong_language(
                self.page.evaluate(COLLECT_TEXT, area == "admin"),
                self.lang,
                ADMIN_UPSTREAM_ENGLISH
                if area == "admin" and self.lang == "fr"
                else frozenset(),
            )
            if self.lang == "en":
                body = self.page.inner_text("body")
                wrong += [
                    f"numeric date {d!r} (MM/DD or DD/MM?)"
                    for d in set(NUMERIC_DATE.findall(body))
                ]
            if wrong:
                other = "English" if self.lang == "fr" else "French"
                self.problems.append(
                    f"{label}: {other} UI strings:\n    " + "\n    ".join(wrong)
                )
            for href in self.page.eval_on_selector_all(
                "a[href]:not([download])", "els => els.map(a => a.href)"
            ):
                if self.allowed(href) and href.split("#")[0] not in self.seen_urls:
                    queue.append(href)


@pytest.fixture
def demo_site():
    call_command("seed_demo", force=True, verbosity=0)
    call_command("seed_demo_cascade", force=True, verbosity=0)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_fits_a_phone_is_accessible_and_in_one_language(
    lang, demo_site, live_server, new_context, axe_source, catalogue
):
    from wagtail.users.models import UserProfile

    page_types = wagtail_page_types()
    problems, visited = [], []
    for spec in ACCOUNTS:
        user = User.objects.get(email=spec["email"])
        user.preferred_language = lang
        user.save(update_fields=["preferred_language"])
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = lang
        profile.save()
        context = new_context(viewport=VIEWPORT, locale=lang)
        page = context.new_page()
        landing = log_in(page, lang, spec["email"])
        crawl = Crawl(
            page,
            lang,
            spec["role"],
            live_server.url,
            catalogue,
            axe_source(),
            page_types,
        )
        crawl.run([landing, f"/{lang}/"])
        context.close()
        problems.extend(crawl.problems)
        visited.extend(crawl.visited)
    assert len(visited) > 7 * 5, visited
    assert not problems, (
        f"{len(problems)} problems on {len(visited)} pages:\n" + "\n".join(problems)
    )
