from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render

from wagtail.models import Locale, Page

from courses.models import CoursePage, LessonPage, ResourcePage


def search(request):
    """Search published courses, lessons and resources in the reader's language."""
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.none()
    if query:
        results = (
            Page.objects.live()
            .filter(locale=Locale.get_active())
            .type(CoursePage, LessonPage, ResourcePage)
            .specific()
            .search(query)
        )
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)
    return render(request, "search/search.html", {"query": query, "results": page})
