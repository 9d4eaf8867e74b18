"""The demo course catalogue: one module per course, each with its
``COURSE`` (outline, modules, lessons, in French and English)."""

from courses.models import Audience, CourseIndexPage, CoursePage, LessonPage, ModulePage

from ..blocks import stream_data
from . import fundamentals, training_of_trainers

COURSES = [fundamentals, training_of_trainers]

COURSE_INDEX = {
    "fr": {
        "title": "Catalogue des formations",
        "slug": "formations",
        "intro": "<p>Choisissez une formation selon votre public, votre niveau et votre langue. Le plan de chaque cours est public ; certaines leçons demandent un compte.</p>",
    },
    "en": {
        "title": "Course catalogue",
        "slug": "courses",
        "intro": "<p>Choose a course by audience, level and language. Every course outline is public; some lessons require an account.</p>",
    },
}


def seed_catalogue(pages, home, term_ids) -> None:
    """The catalogue page, every course, and the tests of those that have
    some. ``term_ids``: the glossary's {language: {key: term id}}."""
    index = pages.ensure(home, CourseIndexPage, **COURSE_INDEX)
    for course in COURSES:
        seed_course(pages, index, course.COURSE, term_ids)
    fundamentals.seed_tests(pages)


def seed_course(pages, index, spec, term_ids) -> CoursePage:
    audiences = Audience.objects.all()
    if spec["audiences"] != "all":
        audiences = audiences.filter(code__in=spec["audiences"])
    common = {
        key: spec[key]
        for key in ("level", "duration_hours", "is_public", "is_trainer_track")
    }
    course = pages.ensure(
        index,
        CoursePage,
        spec["fr"],
        spec["en"],
        common,
        {"audiences": list(audiences)},
    )
    for module_spec in spec["modules"]:
        module = pages.ensure(course, ModulePage, module_spec["fr"], module_spec["en"])
        for lesson in module_spec["lessons"]:
            fr, en = (
                {
                    **lesson[lang],
                    "body": stream_data(
                        lesson["key"], lesson["body"], lang, term_ids[lang]
                    ),
                }
                for lang in ("fr", "en")
            )
            pages.ensure(
                module, LessonPage, fr, en, {"duration_minutes": lesson["minutes"]}
            )
    return course
