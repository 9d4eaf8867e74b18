"""Courses as Wagtail pages (Course → Module → Lesson), a resource library, and
each trainee's enrolments, lesson progress and private reflections.

Progress is keyed by the pages' ``translation_key`` so a trainee who switches
between French and English keeps one record per course and per lesson.

What the pages show beyond their fields is built in ``courses.views`` (see
``kalanso.pages.page_view``): imports run one way, models ← selectors and
completion ← services ← forms and views.
"""

import html

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from kalanso.bilingual import BilingualNameMixin
from kalanso.generation import cached_fragment
from kalanso.pages import CachedViewRestrictionsMixin, PageViewMixin

from .blocks import PERSONAL_BLOCKS, LessonBodyBlock


class Audience(BilingualNameMixin, models.Model):
    """Who a course is written for (loaded by a data migration)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return self.localized_name


class Theme(BilingualNameMixin, models.Model):
    """A theme of the resource library (loaded by a data migration)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name (French)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.localized_name


@register_snippet
class GlossaryTerm(TranslatableMixin, index.Indexed, models.Model):
    """A term of the shared glossary (e.g. "connector", "do no harm")."""

    term = models.CharField(_("term"), max_length=120)
    definition = RichTextField(_("definition"), features=["bold", "italic", "link"])

    panels = [FieldPanel("term"), FieldPanel("definition")]
    search_fields = [index.SearchField("term"), index.AutocompleteField("term")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term


class CourseIndexPage(PageViewMixin, CachedViewRestrictionsMixin, Page):
    """The catalogue: every published course, with filters."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")


class CoursePage(PageViewMixin, CachedViewRestrictionsMixin, Page):
    """A course: its outline, audiences and rules. Modules are its children."""

    class Level(models.TextChoices):
        INTRODUCTORY = "intro", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    summary = models.TextField(_("summary"), max_length=500)
    description = RichTextField(_("description"), blank=True)
    learning_objectives = RichTextField(
        _("learning objectives"), blank=True, features=["ul", "ol", "bold", "italic"]
    )
    audiences = ParentalManyToManyField(
        Audience, verbose_name=_("audiences"), blank=True
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default="intro"
    )
    duration_hours = models.DecimalField(
        _("estimated duration (hours)"), max_digits=5, decimal_places=1, default=1
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(
        _("cover image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Required when there is a cover image."),
    )
    is_public = models.BooleanField(
        _("lessons open to everyone"),
        default=False,
        help_text=_(
            "The outline is always public. Tick to let people read the lessons "
            "without an account."
        ),
    )
    pre_test = models.ForeignKey(
        "assessments.Quiz",
        verbose_name=_("pre-test"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "pre"},
        help_text=_(
            "Taken before the first lesson, to measure what people already know."
        ),
    )
    post_test = models.ForeignKey(
        "assessments.Quiz",
        verbose_name=_("post-test"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "post"},
        help_text=_("Must be passed to complete the course."),
    )
    parallel_forms = models.BooleanField(
        _("use the two tests as parallel forms A/B"),
        default=False,
        help_text=_(
            "Half of the trainees take the pre-test's questions first and the "
            "post-test's after; the other half the reverse."
        ),
    )
    is_trainer_track = models.BooleanField(
        _("training of trainers"),
        default=False,
        help_text=_("Part of the path to become a certified trainer."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("level"),
                FieldPanel("duration_hours"),
                FieldPanel("is_public"),
                FieldPanel("is_trainer_track"),
            ],
            heading=_("Audience and rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("pre_test"),
                FieldPanel("post_test"),
                FieldPanel("parallel_forms"),
            ],
            heading=_("Tests"),
        ),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_image_alt")],
            heading=_("Cover"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("level"),
        index.FilterField("locale_id"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    listed_in_site_search = True

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_image_alt.strip():
            raise ValidationError(
                {"cover_image_alt": _("Describe the cover image for screen readers.")}
            )
        if self.parallel_forms and not (self.pre_test_id and self.post_test_id):
            raise ValidationError(
                {
                    "parallel_forms": _(
                        "Parallel forms need both a pre-test and a post-test."
                    )
                }
            )

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class ModulePage(CachedViewRestrictionsMixin, Page):
    """A module groups lessons; its page lists them."""

    summary = models.TextField(_("summary"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def serve(self, request, *args, **kwargs):
        # A module has no content of its own: show it in the course outline.
        course = self.get_parent()
        return HttpResponseRedirect(f"{course.url}#module-{self.pk}")


class LessonPage(PageViewMixin, CachedViewRestrictionsMixin, Page):
    """A lesson: text, media, case studies and exercises."""

    summary = models.TextField(_("summary"), blank=True, max_length=500)
    duration_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), use_json_field=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("locale_id"),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    listed_in_site_search = True

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @cached_property
    def course(self):
        """The course this lesson belongs to (cached until the next publication)."""

        def compute():
            return (
                CoursePage.objects.ancestor_of(self)
                .select_related("locale")
                .only(
                    "id",
                    "title",
                    "url_path",
                    "is_public",
                    "translation_key",
                    "locale",
                    "path",
                    "depth",
                )
                .first()
            )

        return cached_fragment(f"lesson-course:{self.pk}", compute)

    def serve(self, request, *args, **kwargs):
        course = self.course
        if (
            course is not None
            and not course.is_public
            and not request.user.is_authenticated
        ):
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    def rendered_shared_blocks(self):
        """HTML of the blocks that are the same for every reader, cached per revision."""
        published = self.last_published_at.timestamp() if self.last_published_at else 0
        key = f"lesson-body:{self.pk}:{self.latest_revision_id}:{published}:{get_language()}"
        return cached_fragment(
            key,
            lambda: [
                None
                if block.block_type in PERSONAL_BLOCKS
                else render_to_string(
                    "courses/includes/shared_block.html", {"block": block}
                )
                for block in self.body
            ],
        )


class ResourceIndexPage(PageViewMixin, CachedViewRestrictionsMixin, Page):
    """The resource library: publications, local conflict analyses, tools."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.ResourcePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("resource library")


class ResourcePage(CachedViewRestrictionsMixin, Page):
    """A resource with a document to download (e.g. a local conflict analysis)."""

    summary = models.TextField(_("summary"), max_length=600)
    body = RichTextField(_("description"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("document"),
        FieldPanel("region"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("publisher"),
        FieldPanel("published_on"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["courses.ResourceIndexPage"]
    subpage_types = []
    listed_in_site_search = True

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")


class Enrolment(models.Model):
    """A trainee's enrolment in a course (any language version of it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    course_key = models.UUIDField(_("course translation key"), db_index=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_accessed_at = models.DateTimeField(
        _("last accessed at"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    reversed_forms = models.BooleanField(
        _("takes form B first"),
        default=False,
        help_text=_(
            "With parallel forms, half of the trainees take the forms in reverse order."
        ),
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"], name="unique_enrolment"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.course}"


class LessonProgress(models.Model):
    """A lesson a trainee marked as complete."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    lesson_key = models.UUIDField(_("lesson translation key"))
    course_key = models.UUIDField(_("course translation key"), db_index=True)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_key"], name="unique_lesson_progress"
            )
        ]

    def __str__(self):
        return f"{self.user} ✓ {self.lesson}"


class ReflectionAnswer(models.Model):
    """A trainee's private answer to a reflection prompt. Only its author sees it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    lesson_key = models.UUIDField()
    block_id = models.CharField(max_length=64)
    text = models.TextField(_("answer"), help_text=_("Sanitised HTML."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reflection answer")
        verbose_name_plural = _("reflection answers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_key", "block_id"],
                name="unique_reflection_answer",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson} · {self.block_id}"

    @property
    def plain_text(self):
        """The answer as the author typed it, for editing in a plain text area."""
        return html.unescape(strip_tags(self.text))
