"""Read-side queries for courses. Every function runs a fixed number of queries,
whatever the size of the course, and none writes (the views call the services
for that). Whether a course is complete is decided by ``courses.completion``."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import CharField, DateTimeField, Q, TextField, Value
from django.utils.translation import get_language

from assessments.models import Attempt, AttemptQuestion, Quiz
from assessments.selectors import knowledge_gain, quiz_results
from kalanso.generation import cached_fragment, cached_fragments

from . import localized
from .completion import (
    CourseCompletion,
    completion_of,
    required_lessons,
    trainee_test_ids,
)
from .models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
    ReflectionAnswer,
    ResourcePage,
)


@dataclass
class OutlineLesson:
    id: int
    title: str
    url: str
    key: UUID
    minutes: int
    number: int
    module_id: int


@dataclass
class OutlineModule:
    id: int
    title: str
    summary: str
    number: int
    lessons: list = field(default_factory=list)


@dataclass
class Outline:
    modules: list
    lessons: list

    @property
    def lesson_keys(self):
        return [lesson.key for lesson in self.lessons]

    @property
    def total_minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)


def course_outline(*, course: CoursePage, request=None) -> Outline:
    """Modules and lessons of a course in order: two queries, then cached until
    the next publication. Its lessons are the ones the completion rule
    requires (``courses.completion.required_lessons``)."""
    return cached_fragment(
        f"course-outline:{course.pk}:{get_language()}",
        lambda: _course_outline(course, request),
    )


def _course_outline(course, request) -> Outline:
    modules = []
    by_path = {}
    for number, module in enumerate(
        ModulePage.objects.live()
        .child_of(course)
        .order_by("path")
        .only("id", "title", "summary", "path"),
        start=1,
    ):
        item = OutlineModule(
            id=module.pk, title=module.title, summary=module.summary, number=number
        )
        modules.append(item)
        by_path[module.path] = item
    lessons = []
    queryset = (
        required_lessons(course)
        .order_by("path")
        .select_related("locale")
        .only(
            "id",
            "title",
            "path",
            "depth",
            "url_path",
            "translation_key",
            "duration_minutes",
            "locale__language_code",
        )
    )
    for lesson in queryset:
        module = by_path.get(lesson.path[: -lesson.steplen])
        if module is None:  # its module was unpublished between the two queries
            continue
        item = OutlineLesson(
            id=lesson.pk,
            title=lesson.title,
            url=lesson.get_url(request),
            key=lesson.translation_key,
            minutes=lesson.duration_minutes,
            number=len(lessons) + 1,
            module_id=module.id,
        )
        module.lessons.append(item)
        lessons.append(item)
    return Outline(modules=modules, lessons=lessons)


@dataclass
class CourseProgress:
    """A trainee's progress in a course, for its pages. Completion questions
    go to ``completion`` (``courses.completion``); without the tests loaded
    (``with_tests=False``), it knows the lessons only."""

    enrolment: Enrolment | None
    completed_keys: set
    outline: Outline
    completion: CourseCompletion
    pre_test: Quiz | None = None
    post_test: Quiz | None = None
    pre_attempt: Attempt | None = None  # best submitted attempt
    post_attempt: Attempt | None = None
    # The reader's answers to a lesson's reflections, by block id, when asked
    # for (``reflections_of``).
    reflections: dict = field(default_factory=dict)

    @property
    def post_test_passed(self):
        return self.completion.post_test_passed

    @property
    def gain(self):
        return knowledge_gain(pre=self.pre_attempt, post=self.post_attempt)

    @property
    def enrolled(self):
        return self.enrolment is not None

    @property
    def total(self):
        return self.completion.total

    @property
    def done(self):
        return self.completion.done

    @property
    def percent(self):
        return self.completion.percent

    @property
    def missing_lessons(self):
        missing = set(self.completion.missing_keys)
        return [lesson for lesson in self.outline.lessons if lesson.key in missing]

    @property
    def is_complete(self):
        return self.completion.is_complete

    @property
    def resume_lesson(self):
        """The last lesson opened if it is unfinished, else the first unfinished one."""
        if self.enrolment and self.enrolment.last_lesson_id:
            last_key = self.enrolment.last_lesson.translation_key
            for lesson in self.outline.lessons:
                if lesson.key == last_key and lesson.key not in self.completed_keys:
                    return lesson
        missing = self.missing_lessons
        if missing:
            return missing[0]
        return self.outline.lessons[0] if self.outline.lessons else None


def course_progress(
    *,
    user,
    course: CoursePage,
    outline: Outline,
    with_tests: bool = True,
    reflections_of: LessonPage | None = None,
) -> CourseProgress:
    """The trainee's progress; ``with_tests`` adds the pre/post-test results
    (the course page shows them, a lesson page does not need them);
    ``reflections_of`` a lesson: the reader's answers to its reflections,
    read in the same query as the lessons done."""
    enrolment = (
        Enrolment.objects.filter(user=user, course_key=course.translation_key)
        .select_related("last_lesson")
        .only(
            "id",
            "course_key",
            "completed_at",
            "enrolled_at",
            "last_accessed_at",
            "reversed_forms",
            "last_lesson__translation_key",
        )
        .first()
    )
    completed, reflections = _lessons_done_and_reflections(
        user=user, lesson_keys=outline.lesson_keys, lesson=reflections_of
    )
    pre_id, post_id = (
        trainee_test_ids(course, enrolment) if with_tests else (None, None)
    )
    quizzes, results = {}, None  # None: the tests were not looked up
    if with_tests:
        if pre_id or post_id:
            quizzes = Quiz.objects.in_bulk([i for i in (pre_id, post_id) if i])
        results = quiz_results(user=user, quiz_ids=quizzes)
    return CourseProgress(
        enrolment=enrolment,
        completed_keys=completed,
        outline=outline,
        completion=completion_of(
            required_keys=outline.lesson_keys,
            done_keys=completed,
            post_test_id=post_id,
            passed_quiz_ids=results.passed if results else None,
            completed_at=enrolment.completed_at if enrolment else None,
        ),
        pre_test=quizzes.get(pre_id),
        post_test=quizzes.get(post_id),
        pre_attempt=results.best.get(pre_id) if results else None,
        post_attempt=results.best.get(post_id) if results else None,
        reflections=reflections,
    )


def _lessons_done_and_reflections(*, user, lesson_keys, lesson=None):
    """The keys of the lessons done among ``lesson_keys``, and the reader's
    answers to ``lesson``'s reflections by block id: one query (a UNION of
    the two tables' rows: a lesson done has no block id)."""
    done = LessonProgress.objects.filter(
        user=user, lesson_key__in=lesson_keys
    ).annotate(
        row_block=Value("", output_field=CharField()),
        row_text=Value("", output_field=TextField()),
        row_updated=Value(None, output_field=DateTimeField()),
    )
    done = done.values_list("lesson_key", "row_block", "row_text", "row_updated")
    if lesson is None:
        return {row[0] for row in done}, {}
    answers = ReflectionAnswer.objects.filter(
        user=user, lesson_key=lesson.translation_key
    ).values_list("lesson_key", "block_id", "text", "updated_at")
    completed, reflections = set(), {}
    for key, block_id, text, updated_at in done.union(answers, all=True):
        if not block_id:
            completed.add(key)
            continue
        reflections[block_id] = ReflectionAnswer(
            user=user,
            lesson=lesson,
            lesson_key=key,
            block_id=block_id,
            text=text,
            updated_at=updated_at,
        )
    return completed, reflections


def featured_courses(*, locale, limit=6):
    return list(
        CoursePage.objects.live()
        .filter(locale=locale)
        .select_related("cover_image", "locale")
        .order_by("path")[:limit]
    )


def catalogue_courses(*, locale, audience=None, level="", language="", q=""):
    """Courses in the reader's language, plus those not (yet) translated into it."""
    courses = CoursePage.objects.live()
    translated_here = CoursePage.objects.filter(locale=locale).values("translation_key")
    courses = courses.filter(Q(locale=locale) | ~Q(translation_key__in=translated_here))
    if audience:
        courses = courses.filter(audiences=audience)
    if level:
        courses = courses.filter(level=level)
    if language:
        courses = courses.filter(locale__language_code=language)
    if q:
        courses = courses.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return list(
        courses.select_related("locale", "cover_image")
        .prefetch_related("audiences")
        .order_by("title")
        .distinct()
    )


def library_resources(*, index_page, region=None, theme=None, q=""):
    resources = ResourcePage.objects.live().child_of(index_page)
    if region:
        resources = resources.filter(region=region)
    if theme:
        resources = resources.filter(themes=theme)
    if q:
        resources = resources.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return list(
        resources.select_related("document", "region")
        .prefetch_related("themes")
        .order_by("-published_on", "title")
        .distinct()
    )


@dataclass
class LearningRow:
    enrolment: Enrolment
    course: CoursePage
    completion: CourseCompletion
    resume_url: str | None
    pre_attempt: Attempt | None = None  # best submitted attempt
    post_attempt: Attempt | None = None

    @property
    def total(self):
        return self.completion.total

    @property
    def done(self):
        return self.completion.done

    @property
    def percent(self):
        return self.completion.percent

    @property
    def has_post_test(self):
        return self.completion.post_test_id is not None

    @property
    def is_complete(self):
        return self.completion.is_complete

    @property
    def gain(self):
        return knowledge_gain(pre=self.pre_attempt, post=self.post_attempt)


def my_learning(*, user, request=None) -> list[LearningRow]:
    """Enrolled courses, in the reader's language where a version exists, with
    progress: the enrolments, the lessons done and the tests' results (three
    queries whatever the number of courses); the courses in the reader's
    language and their outlines are fragments cached until the next
    publication."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "course__locale", "last_lesson")
        .order_by("-last_accessed_at", "-enrolled_at")
    )
    if not enrolments:
        return []
    in_language = courses_in_language([e.course_key for e in enrolments])
    courses = {
        e.course_key: in_language.get(e.course_key, e.course) for e in enrolments
    }
    lessons_by_course = course_lessons(list(courses.values()), request=request)
    lessons_by_course = {
        key: lessons_by_course.get(course.pk, []) for key, course in courses.items()
    }
    for course in courses.values():  # shown as they are (marked when foreign)
        localized.remember(course, course)
    finished = set(
        LessonProgress.objects.filter(
            user=user,
            lesson_key__in=[
                lesson.key
                for lessons in lessons_by_course.values()
                for lesson in lessons
            ],
        ).values_list("lesson_key", flat=True)
    )
    tests = {e.pk: trainee_test_ids(courses[e.course_key], e) for e in enrolments}
    results = quiz_results(
        user=user, quiz_ids={i for pair in tests.values() for i in pair}
    )
    rows = []
    for enrolment in enrolments:
        pre_id, post_id = tests[enrolment.pk]
        lessons = lessons_by_course.get(enrolment.course_key, [])
        last_key = (
            enrolment.last_lesson.translation_key if enrolment.last_lesson else None
        )
        # "Last lesson opened" names the lesson in the language the course
        # is shown in (no query: the lessons are loaded).
        opened = next((x for x in lessons if x.key == last_key), None)
        if opened is not None:
            localized.remember_title(
                enrolment.last_lesson, opened.title, opened.language
            )
        resume = next(
            (x for x in lessons if x.key == last_key and last_key not in finished),
            None,
        ) or next((x for x in lessons if x.key not in finished), None)
        rows.append(
            LearningRow(
                enrolment=enrolment,
                course=courses[enrolment.course_key],
                completion=completion_of(
                    required_keys=[x.key for x in lessons],
                    done_keys=finished,
                    post_test_id=post_id,
                    passed_quiz_ids=results.passed,
                    completed_at=enrolment.completed_at,
                ),
                resume_url=resume.url if resume else None,
                pre_attempt=results.best.get(pre_id),
                post_attempt=results.best.get(post_id),
            )
        )
    return rows


@dataclass(frozen=True)
class LessonLink:
    key: UUID
    url: str
    title: str
    language: str


def courses_in_language(course_keys) -> dict:
    """The live courses of those translation keys in the reader's language
    (translation key -> course; absent when there is no such version): one
    query for those not cached yet, cached until the next publication."""
    language = get_language()

    def compute(keys):
        found = {
            course.translation_key: course
            for course in CoursePage.objects.live()
            .filter(translation_key__in=keys, locale__language_code=language)
            .select_related("locale")
        }
        # False: known to have no version in this language (cached too).
        return {key: found.get(key, False) for key in keys}

    courses = cached_fragments(
        {key: f"course-in-language:{key}:{language}" for key in set(course_keys)},
        compute,
    )
    return {key: course for key, course in courses.items() if course}


def course_lessons(courses, *, request=None) -> dict:
    """The lessons each course requires, in order, as links (course id ->
    [LessonLink]): one query for the courses not cached yet, cached until the
    next publication."""
    language = get_language()
    by_id = {course.pk: course for course in courses}

    def compute(ids):
        path_to_id = {by_id[i].path: i for i in ids}
        lessons = {i: [] for i in ids}
        for lesson in (
            required_lessons(*(by_id[i] for i in ids))
            .select_related("locale")
            .order_by("path")
            .only(
                "id",
                "title",
                "path",
                "depth",
                "url_path",
                "translation_key",
                "locale__language_code",
            )
        ):
            course_id = path_to_id[lesson.path[: -2 * lesson.steplen]]
            lessons[course_id].append(
                LessonLink(
                    key=lesson.translation_key,
                    url=lesson.get_url(request),
                    title=lesson.title,
                    language=lesson.locale.language_code,
                )
            )
        return lessons

    return cached_fragments(
        {i: f"course-lesson-links:{i}:{language}" for i in by_id}, compute
    )


def catalogue_url(request=None) -> str:
    """The course catalogue in the reader's language ("" when there is none),
    cached until the next publication."""

    def compute():
        catalogue = (
            CourseIndexPage.objects.live()
            .filter(locale__language_code=get_language())
            .first()
        )
        return (catalogue.get_url(request) if catalogue else None) or ""

    return cached_fragment(f"catalogue-url:{get_language()}", compute)


def lesson_navigation(*, lesson: LessonPage, course: CoursePage, request) -> dict:
    """The lesson's place in its course: the outline, its module, the
    previous and next lessons (the outline's cache, else two queries)."""
    outline = course_outline(course=course, request=request)
    position = next(
        (i for i, x in enumerate(outline.lessons) if x.id == lesson.pk), None
    )
    current = outline.lessons[position] if position is not None else None
    module = next(
        (m for m in outline.modules if current and m.id == current.module_id), None
    )
    return {
        "course": course,
        "outline": outline,
        "module": module,
        "current_lesson": current,
        "previous_lesson": outline.lessons[position - 1] if position else None,
        "next_lesson": (
            outline.lessons[position + 1]
            if position is not None and position + 1 < len(outline.lessons)
            else None
        ),
    }


def knowledge_check_blocks(*, lesson: LessonPage, shared: list) -> list:
    """The lesson's knowledge-check blocks that name a quiz (no query: the
    quizzes come with the body). ``shared``: the lesson's
    ``rendered_shared_blocks()``, None where a block is personal."""
    blocks = [
        lesson.body[index]
        for index, html in enumerate(shared)
        if html is None and lesson.body.raw_data[index]["type"] == "knowledge_check"
    ]
    return [b for b in blocks if b.value.get("quiz") is not None]


def attempt_questions(attempts) -> dict[int, list[AttemptQuestion]]:
    """The questions of these attempts, by attempt id, in order (one query)."""
    rows = {}
    for row in AttemptQuestion.objects.filter(
        attempt__in=[a.pk for a in attempts]
    ).order_by("position"):
        rows.setdefault(row.attempt_id, []).append(row)
    return rows
