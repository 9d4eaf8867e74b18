import logging
import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError
from django.shortcuts import render

from wagtail.models import Locale, Page

from kalanso.pages import searchable_page_models

logger = logging.getLogger(__name__)

# Full-text engines give meaning to quotes, colons, asterisks…: search words only.
NOT_A_WORD = re.compile(r"[^\w]+", re.UNICODE)


def clean_query(raw: str) -> str:
    return " ".join(NOT_A_WORD.sub(" ", raw or "").split())[:200]


def search(request):
    """Search the published pages of the types listed in the site search
    (courses, lessons, resources) in the reader's language."""
    query = (request.GET.get("q") or "").strip()[:200]
    terms = clean_query(query)
    results = []
    if terms:
        queryset = (
            Page.objects.live()
            .filter(locale=Locale.get_active())
            .type(*searchable_page_models())
            .specific()
        )
        try:
            results = list(queryset.search(terms)[:100])
        except DatabaseError:  # never a 500 for a search box
            logger.exception("Search failed for %r", terms)
            results = []
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)
    return render(request, "search/search.html", {"query": query, "results": page})
