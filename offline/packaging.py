"""What "download this course" stores, and what it costs, before the trainee
says yes: the course page, its lessons, the stylesheet and scripts they use and
the lesson images in their small rendition; videos and audio only on request,
each with its size."""

import gzip
from functools import cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from courses.models import CoursePage, LessonPage
from courses.selectors import course_outline

# The layout around a lesson's content (header, outline, footer), compressed.
PAGE_FRAME_BYTES = 3_000
# Images as the trainee's phone asks for them (the smallest width of the srcset).
SMALL_IMAGE_SPEC = "format-webp|width-360"
STATIC_FILES = ["css/kalanso.css", "img/favicon.svg", "js/offline-loader.js"]
BUNDLE = "offline/offline.js"


@cache
def _static_size(name: str) -> int:
    path = finders.find(name)
    if not path:
        return 0
    with open(path, "rb") as handle:
        return len(gzip.compress(handle.read()))


def _file_size(field) -> int:
    try:
        return field.size
    except (OSError, ValueError):
        return 0


def _media_of(page, images: dict, media: list):
    for block in page.body:
        if block.block_type == "image" and block.value.get("image"):
            image = block.value["image"]
            rendition = image.get_rendition(SMALL_IMAGE_SPEC)
            images[rendition.url] = _file_size(rendition.file)
        elif block.block_type in ("video", "audio") and block.value.get("file"):
            document = block.value["file"]
            media.append(
                {
                    "url": document.url,
                    "title": block.value.get("title") or document.title,
                    "bytes": document.file_size or _file_size(document.file),
                }
            )


def _html_bytes(page) -> int:
    shared = "".join(str(html) for html in page.rendered_shared_blocks() if html)
    return PAGE_FRAME_BYTES + len(gzip.compress(shared.encode()))


def course_package(*, course: CoursePage, request) -> dict:
    outline = course_outline(course=course, request=request)
    lessons = list(
        LessonPage.objects.live().filter(pk__in=[item.id for item in outline.lessons])
    )
    by_id = {lesson.pk: lesson for lesson in lessons}
    pages = [{"url": course.get_url(request), "bytes": PAGE_FRAME_BYTES * 2}]
    images, media = {}, []
    if course.cover_image_id:
        cover = course.cover_image.get_rendition("format-webp|width-800")
        images[cover.url] = _file_size(cover.file)
    for item in outline.lessons:
        lesson = by_id.get(item.id)
        if lesson is None:
            continue
        pages.append({"url": lesson.get_url(request), "bytes": _html_bytes(lesson)})
        _media_of(lesson, images, media)
    shell = [
        reverse("courses:my_learning"),
        reverse("offline:unavailable"),
    ]
    assets = [
        {"url": static(name), "bytes": _static_size(name)} for name in STATIC_FILES
    ]
    assets.append({"url": static(BUNDLE), "bytes": _static_size(BUNDLE)})
    assets += [{"url": url, "bytes": size} for url, size in images.items()]
    total = sum(p["bytes"] for p in pages) + sum(a["bytes"] for a in assets)
    return {
        "course": {
            "id": course.pk,
            "title": course.title,
            "url": course.get_url(request),
        },
        "pages": pages,
        "shell": shell,
        "assets": assets,
        "media": media,
        "bytes": total,
    }
