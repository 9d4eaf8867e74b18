"""Read-side queries for courses. Every function runs a fixed number of queries,
whatever the size of the course."""

from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language

from wagtail.models import Locale

from kalanso.middleware import page_cache_generation

from .models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
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
    the next publication."""
    key = f"course-outline:{course.pk}:{page_cache_generation()}:{get_language()}"
    outline = cache.get(key)
    if outline is not None:
        return outline
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
        LessonPage.objects.live()
        .descendant_of(course)
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
        if module is None:  # a lesson under an unpublished module
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
    outline = Outline(modules=modules, lessons=lessons)
    cache.set(key, outline, settings.FRAGMENT_CACHE_SECONDS)
    return outline


@dataclass
class CourseProgress:
    enrolment: Enrolment | None
    completed_keys: set
    outline: Outline
    pre_test: object = None  # assessments.Quiz
    post_test: object = None
    pre_attempt: object = None  # best submitted assessments.Attempt
    post_attempt: object = None

    @property
    def post_test_passed(self):
        return self.post_test is None or bool(
            self.post_attempt and self.post_attempt.passed
        )

    @property
    def gain(self):
        from assessments.selectors import knowledge_gain

        return knowledge_gain(pre=self.pre_attempt, post=self.post_attempt)

    @property
    def enrolled(self):
        return self.enrolment is not None

    @property
    def total(self):
        return len(self.outline.lessons)

    @property
    def done(self):
        return sum(
            1 for lesson in self.outline.lessons if lesson.key in self.completed_keys
        )

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def missing_lessons(self):
        return [
            lesson
            for lesson in self.outline.lessons
            if lesson.key not in self.completed_keys
        ]

    @property
    def is_complete(self):
        return self.total > 0 and not self.missing_lessons and self.post_test_passed

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
    *, user, course: CoursePage, outline: Outline, with_tests: bool = True
) -> CourseProgress:
    """The trainee's progress; ``with_tests`` adds the pre/post-test results
    (the course page shows them, a lesson page does not need them)."""
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
    completed = set(
        LessonProgress.objects.filter(
            user=user, course_key=course.translation_key
        ).values_list("lesson_key", flat=True)
    )
    progress = CourseProgress(
        enrolment=enrolment, completed_keys=completed, outline=outline
    )
    pre_id, post_id = course.test_ids_for(enrolment) if with_tests else (None, None)
    if pre_id or post_id:
        from assessments.models import Quiz

        quizzes = Quiz.objects.in_bulk([i for i in (pre_id, post_id) if i])
        progress.pre_test, progress.post_test = (
            quizzes.get(pre_id),
            quizzes.get(post_id),
        )
        best = best_attempts(user=user, quiz_ids=quizzes)
        progress.pre_attempt, progress.post_attempt = (
            best.get(pre_id),
            best.get(post_id),
        )
    return progress


def featured_courses(*, locale, limit=6):
    return list(
        CoursePage.objects.live()
        .filter(locale=locale)
        .select_related("cover_image")
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
    total: int
    done: int
    resume_url: str | None
    has_post_test: bool = False
    pre_attempt: object = None  # best submitted assessments.Attempt
    post_attempt: object = None

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self):
        """The course's rule: every lesson, and the post-test passed if there is one."""
        post_passed = not self.has_post_test or bool(
            self.post_attempt and self.post_attempt.passed
        )
        return self.total > 0 and self.done >= self.total and post_passed

    @property
    def gain(self):
        from assessments.selectors import knowledge_gain

        return knowledge_gain(pre=self.pre_attempt, post=self.post_attempt)


def my_learning(*, user, request=None) -> list[LearningRow]:
    """Enrolled courses, in the reader's language where a version exists, with
    progress: four queries whatever the number of courses."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "course__locale", "last_lesson")
        .order_by("-last_accessed_at", "-enrolled_at")
    )
    if not enrolments:
        return []
    keys = [e.course_key for e in enrolments]
    local = {
        c.translation_key: c
        for c in CoursePage.objects.live()
        .filter(translation_key__in=keys, locale=Locale.get_active())
        .select_related("locale")
    }
    courses = {e.course_key: local.get(e.course_key, e.course) for e in enrolments}
    paths = Q()
    for course in courses.values():
        paths |= Q(path__startswith=course.path, depth=course.depth + 2)
    lessons_by_course = {}
    path_to_key = {course.path: key for key, course in courses.items()}
    for lesson in (
        LessonPage.objects.live()
        .filter(paths)
        .select_related("locale")
        .order_by("path")
        .only(
            "id",
            "path",
            "depth",
            "url_path",
            "translation_key",
            "locale__language_code",
        )
    ):
        course_path = lesson.path[: -2 * lesson.steplen]
        lessons_by_course.setdefault(path_to_key[course_path], []).append(lesson)
    done = {}
    for course_key, lesson_key in LessonProgress.objects.filter(
        user=user, course_key__in=keys
    ).values_list("course_key", "lesson_key"):
        done.setdefault(course_key, set()).add(lesson_key)
    tests = {e.pk: courses[e.course_key].test_ids_for(e) for e in enrolments}
    best = best_attempts(
        user=user, quiz_ids={i for pair in tests.values() for i in pair if i}
    )
    rows = []
    for enrolment in enrolments:
        pre_id, post_id = tests[enrolment.pk]
        lessons = lessons_by_course.get(enrolment.course_key, [])
        finished = done.get(enrolment.course_key, set())
        last_key = (
            enrolment.last_lesson.translation_key if enrolment.last_lesson else None
        )
        resume = next(
            (
                x
                for x in lessons
                if x.translation_key == last_key and last_key not in finished
            ),
            None,
        ) or next((x for x in lessons if x.translation_key not in finished), None)
        rows.append(
            LearningRow(
                enrolment=enrolment,
                course=courses[enrolment.course_key],
                total=len(lessons),
                done=sum(1 for x in lessons if x.translation_key in finished),
                resume_url=resume.get_url(request) if resume else None,
                has_post_test=post_id is not None,
                pre_attempt=best.get(pre_id),
                post_attempt=best.get(post_id),
            )
        )
    return rows


def best_attempts(*, user, quiz_ids) -> dict:
    """The best submitted attempt of the user for each quiz, in one query."""
    from assessments.models import Attempt

    best = {}
    if quiz_ids:
        for attempt in Attempt.objects.filter(
            user=user, quiz_id__in=list(quiz_ids), state=Attempt.State.SUBMITTED
        ).order_by("-percent", "-submitted_at"):
            best.setdefault(attempt.quiz_id, attempt)
    return best


def lesson_context(*, lesson: LessonPage, course: CoursePage, request) -> dict:
    """Everything the lesson template needs, in a fixed number of queries."""
    from .blocks import SortingAnswerForm
    from .forms import ReflectionForm
    from .models import ReflectionAnswer
    from .services import lesson_viewed

    outline = course_outline(course=course, request=request)
    position = next(
        (i for i, x in enumerate(outline.lessons) if x.id == lesson.pk), None
    )
    current = outline.lessons[position] if position is not None else None
    module = next(
        (m for m in outline.modules if current and m.id == current.module_id), None
    )
    context = {
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
    user = request.user
    reflections = {}
    if user.is_authenticated:
        progress = course_progress(
            user=user, course=course, outline=outline, with_tests=False
        )
        context["progress"] = progress
        context["lesson_done"] = lesson.translation_key in progress.completed_keys
        if progress.enrolled:
            lesson_viewed(
                user=user, lesson=lesson, course=course, enrolment=progress.enrolment
            )
        reflections = {
            r.block_id: r
            for r in ReflectionAnswer.objects.filter(
                user=user, lesson_key=lesson.translation_key
            )
        }

    # Shared blocks come from the cache; personal blocks are rendered per reader.
    shared = lesson.rendered_shared_blocks()
    checks = knowledge_checks(lesson=lesson, shared=shared, request=request)
    parts = []
    for index, html in enumerate(shared):
        if html is not None:
            parts.append({"html": html})
            continue
        block = lesson.body[index]
        part = {"block": block, "type": block.block_type}
        if block.block_type == "sorting_exercise":
            prefix = f"ex-{block.id}"
            submitted = request.GET.get("exercise") == block.id
            form = SortingAnswerForm(
                request.GET if submitted else None,
                block_value=block.value,
                prefix=prefix,
            )
            part.update(form=form, submitted=submitted)
        elif block.block_type == "knowledge_check":
            part.update(checks.get(block.id, {}))
        elif block.block_type == "reflection":
            answer = reflections.get(block.id)
            part.update(
                answer=answer,
                form=ReflectionForm(
                    initial={"text": answer.plain_text if answer else ""}
                ),
            )
        parts.append(part)
    context["body_parts"] = parts
    return context


def knowledge_checks(*, lesson: LessonPage, shared, request) -> dict:
    """For each knowledge-check block: the open attempt's form, or the last
    result with its feedback. Three queries whatever the number of checks."""
    from assessments.forms import AttemptForm
    from assessments.models import AttemptQuestion, Quiz
    from assessments.review import review_rows
    from assessments.selectors import latest_attempts
    from assessments.services import AttemptError, attempt_start

    blocks = [
        lesson.body[index]
        for index, html in enumerate(shared)
        if html is None and lesson.body.raw_data[index]["type"] == "knowledge_check"
    ]
    blocks = [b for b in blocks if b.value.get("quiz") is not None]
    if not blocks:
        return {}
    user = request.user
    if not user.is_authenticated:
        return {b.id: {"quiz": b.value["quiz"]} for b in blocks}
    quizzes = {b.value["quiz"].pk: b.value["quiz"] for b in blocks}
    latest = latest_attempts(user=user, quiz_ids=quizzes)
    retry = request.GET.get("retry")
    for block in blocks:
        quiz = quizzes[block.value["quiz"].pk]
        attempt = latest.get(quiz.pk)
        wants_form = attempt is None or (not attempt.is_submitted) or retry == block.id
        if wants_form and quiz.kind == Quiz.Kind.KNOWLEDGE_CHECK:
            try:
                latest[quiz.pk] = attempt_start(quiz=quiz, user=user)
            except AttemptError:
                pass
    rows = {}
    for row in AttemptQuestion.objects.filter(
        attempt__in=[a.pk for a in latest.values()]
    ).order_by("position"):
        rows.setdefault(row.attempt_id, []).append(row)
    result = {}
    for block in blocks:
        quiz = quizzes[block.value["quiz"].pk]
        attempt = latest.get(quiz.pk)
        info = {"quiz": quiz, "attempt": attempt}
        attempt_rows = rows.get(attempt.pk, []) if attempt else []
        if attempt and attempt.is_submitted:
            info["review"] = review_rows(attempt, show_feedback=True, rows=attempt_rows)
        elif attempt:
            form = AttemptForm(rows=attempt_rows)
            info["questions"] = [(row, form.fields_for(row)) for row in attempt_rows]
        result[block.id] = info
    return result
