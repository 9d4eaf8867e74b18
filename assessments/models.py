"""Question bank, quizzes and attempts.

A quiz knows nothing of the course that uses it (courses point at quizzes).
Attempts keep a frozen JSON snapshot of every question they drew, so editing
the bank never changes an attempt that has started.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

LANGUAGES = [("fr", _("French")), ("en", _("English"))]
FEEDBACK_FEATURES = ["bold", "italic", "link"]


class QuestionCategory(models.Model):
    """A shelf of the question bank (e.g. "Connecteurs et diviseurs"). Shelves
    form a tree, as in Moodle: "Module 1" of one course and "Module 1" of
    another are different categories under different parents."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty for a top-level category."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("parent"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="unique_category_name_in_parent"
            ),
            # NULL parents are all distinct to a unique index: top-level names
            # need a constraint of their own.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="unique_top_level_category_name",
            ),
        ]

    def __str__(self):
        return " / ".join(self.path_names())

    def ancestors(self) -> list["QuestionCategory"]:
        """This category's ancestors, from the top, then itself."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def path_names(self) -> list[str]:
        return [category.name for category in self.ancestors()]

    def clean(self):
        super().clean()
        if self.pk and self.parent_id:
            if any(node.pk == self.pk for node in self.parent.ancestors()):
                raise ValidationError(
                    {"parent": _("A category cannot be placed inside itself.")}
                )


class Scenario(models.Model):
    """A case shared by several questions (e.g. a situation in a Mopti commune)."""

    title = models.CharField(_("title"), max_length=200)
    text = RichTextField(_("case"), features=["bold", "italic", "ol", "ul"])

    panels = [FieldPanel("title"), FieldPanel("text")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self):
        return self.title


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(RevisionMixin, index.Indexed, ClusterableModel):
    """A question of the bank. Its answers are inline rows; the type decides
    which of their fields matter."""

    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple answers")
        TRUE_FALSE = "truefalse", _("True / false")
        SHORT = "short", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")
        ORDERING = "ordering", _("Ordering")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    name = models.CharField(
        _("name"),
        max_length=255,
        blank=True,
        help_text=_("For the bank only; not shown to trainees."),
    )
    text = RichTextField(_("question"), features=["bold", "italic", "ol", "ul", "link"])
    general_feedback = RichTextField(
        _("general feedback"),
        blank=True,
        features=FEEDBACK_FEATURES,
        help_text=_("Shown after answering, whatever the answer (an explanation)."),
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    language = models.CharField(
        _("language"), max_length=5, choices=LANGUAGES, default="fr"
    )
    difficulty = models.CharField(
        _("difficulty"),
        max_length=10,
        choices=Difficulty.choices,
        default=Difficulty.MEDIUM,
    )
    tags = ClusterTaggableManager(
        through=QuestionTag, blank=True, verbose_name=_("topics")
    )
    correct_answer_true = models.BooleanField(
        _("the statement is true"),
        default=True,
        help_text=_("True / false questions only."),
    )
    feedback_true = models.CharField(
        _("feedback when answering true"), max_length=500, blank=True
    )
    feedback_false = models.CharField(
        _("feedback when answering false"), max_length=500, blank=True
    )
    default_mark = models.DecimalField(
        _("mark"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("type"), FieldPanel("language")]),
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty")]),
                FieldPanel("tags"),
                FieldPanel("scenario"),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("text"),
        InlinePanel("answers", heading=_("Answers"), label=_("Answer")),
        MultiFieldPanel(
            [
                FieldPanel("correct_answer_true"),
                FieldPanel("feedback_true"),
                FieldPanel("feedback_false"),
            ],
            heading=_("True / false"),
        ),
        FieldPanel("general_feedback"),
        FieldPanel("default_mark"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.FilterField("type"),
        index.FilterField("language"),
        index.FilterField("category_id"),
    ]

    class Meta:
        ordering = ["category__name", "name", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        label = self.name or strip_tags(self.text)
        return Truncator(label).chars(80)

    def save(self, *args, **kwargs):
        if self.pk:
            self.version = models.F("version") + 1
        super().save(*args, **kwargs)
        if self.pk and not isinstance(self.version, int):
            self.refresh_from_db(fields=["version"])

    def content_key(self, answers=None, *, with_name: bool = True) -> tuple:
        """What makes two questions the same for a reader: type, text, answers
        (and the name, for the bank). Copies of a question share it."""
        answers = list(answers if answers is not None else self.answers.all())
        answers.sort(key=lambda a: a.sort_order or 0)

        def number(value):
            return None if value is None else Decimal(value).normalize()

        return (
            self.type,
            " ".join((self.name or "").split()) if with_name else None,
            " ".join((self.text or "").split()),
            self.correct_answer_true if self.type == self.Type.TRUE_FALSE else None,
            tuple(
                (
                    " ".join(a.text.split()),
                    number(a.fraction),
                    a.feedback.strip(),
                    a.match.strip(),
                    number(a.number),
                    number(a.tolerance),
                    number(a.minimum),
                    number(a.maximum),
                )
                for a in answers
            ),
        )

    def snapshot(self, answers=None) -> dict:
        """The frozen JSON copy an attempt keeps (see assessments.scoring)."""
        answers = list(answers if answers is not None else self.answers.all())
        data = {
            "question_id": self.pk,
            "version": self.version,
            "type": self.type,
            "text": self.text,
            "general_feedback": self.general_feedback,
            "scenario": (
                {"title": self.scenario.title, "text": self.scenario.text}
                if self.scenario_id
                else None
            ),
            "mark": str(self.default_mark),
        }
        if self.type in (self.Type.SINGLE, self.Type.MULTIPLE):
            data["choices"] = [
                {
                    "id": str(a.key),
                    "text": a.text,
                    "fraction": str(a.fraction),
                    "feedback": a.feedback,
                }
                for a in answers
            ]
        elif self.type == self.Type.TRUE_FALSE:
            data.update(
                correct=self.correct_answer_true,
                feedback_true=self.feedback_true,
                feedback_false=self.feedback_false,
            )
        elif self.type == self.Type.SHORT:
            data["accepted"] = [
                {"text": a.text, "fraction": str(a.fraction), "feedback": a.feedback}
                for a in answers
            ]
        elif self.type == self.Type.NUMERICAL:
            data["numeric"] = [
                {
                    "value": None if a.number is None else str(a.number),
                    "tolerance": str(a.tolerance or 0),
                    "min": None if a.minimum is None else str(a.minimum),
                    "max": None if a.maximum is None else str(a.maximum),
                    "fraction": str(a.fraction),
                    "feedback": a.feedback,
                }
                for a in answers
            ]
        elif self.type == self.Type.MATCHING:
            data["pairs"] = [
                {"id": str(a.key), "prompt": a.text, "answer": a.match} for a in answers
            ]
        elif self.type == self.Type.ORDERING:
            data["items"] = [{"id": str(a.key), "text": a.text} for a in answers]
        return data


class Answer(Orderable):
    """One answer row of a question. Fields used depend on the question type:
    choices and short answers use text + fraction; matching uses text → match;
    numerical uses number ± tolerance or minimum..maximum; ordering uses the
    row order as the right order."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="answers")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("answer"), max_length=1000, blank=True)
    fraction = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=5,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(-1)), MaxValueValidator(Decimal(1))],
        help_text=_("1 = fully right, 0.5 = half, negative values remove marks."),
    )
    feedback = models.CharField(_("feedback"), max_length=1000, blank=True)
    match = models.CharField(_("matches with"), max_length=500, blank=True)
    number = models.DecimalField(
        _("number"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    minimum = models.DecimalField(
        _("minimum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=20, decimal_places=6, null=True, blank=True
    )

    panels = [
        FieldRowPanel([FieldPanel("text"), FieldPanel("fraction")]),
        FieldPanel("feedback"),
        FieldPanel("match"),
        FieldRowPanel(
            [
                FieldPanel("number"),
                FieldPanel("tolerance"),
                FieldPanel("minimum"),
                FieldPanel("maximum"),
            ]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.text or str(self.number)


class Quiz(RevisionMixin, ClusterableModel):
    """A knowledge check, pre-test, post-test or certification exam."""

    class Kind(models.TextChoices):
        KNOWLEDGE_CHECK = "check", _("Knowledge check")
        PRE_TEST = "pre", _("Pre-test")
        POST_TEST = "post", _("Post-test")
        EXAM = "exam", _("Certification exam")

    class FeedbackPolicy(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, question by question")
        AFTER_SUBMISSION = "after_submission", _("After submission")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.KNOWLEDGE_CHECK
    )
    language = models.CharField(
        _("language"), max_length=5, choices=LANGUAGES, default="fr"
    )
    introduction = RichTextField(
        _("introduction"), blank=True, features=FEEDBACK_FEATURES
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(70),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 = unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty = no limit."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    feedback_policy = models.CharField(
        _("feedback"),
        max_length=20,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.AFTER_SUBMISSION,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    one_question_per_page = models.BooleanField(
        _("one question per page"), default=False
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("title"), FieldPanel("kind"), FieldPanel("language")]
        ),
        FieldPanel("introduction"),
        InlinePanel(
            "slots",
            heading=_("Questions"),
            label=_("Question or random draw"),
            min_num=1,
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("pass_mark"),
                        FieldPanel("attempts_allowed"),
                        FieldPanel("time_limit_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("feedback_policy"),
                FieldRowPanel(
                    [
                        FieldPanel("shuffle_questions"),
                        FieldPanel("shuffle_answers"),
                        FieldPanel("one_question_per_page"),
                    ]
                ),
            ],
            heading=_("Rules"),
        ),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError(
                {"closes_at": _("The quiz must close after it opens.")}
            )

    def is_open(self, now=None):
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


class QuizSlot(Orderable):
    """A fixed question, or N questions drawn at random from a category/tag."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    random_category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("random from category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    random_tag = models.CharField(_("random with topic"), max_length=100, blank=True)
    random_count = models.PositiveSmallIntegerField(_("how many"), default=1)

    panels = [
        FieldPanel("question"),
        FieldRowPanel(
            [
                FieldPanel("random_category"),
                FieldPanel("random_tag"),
                FieldPanel("random_count"),
            ]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz slot")
        verbose_name_plural = _("quiz slots")

    def clean(self):
        super().clean()
        if bool(self.question_id) == bool(self.random_category_id or self.random_tag):
            raise ValidationError(
                _("Choose either a question, or a category and/or topic to draw from.")
            )

    def __str__(self):
        return (
            str(self.question)
            if self.question_id
            else f"{self.random_count} × {self.random_category or self.random_tag}"
        )


class Attempt(models.Model):
    """One go at a quiz: the questions drawn (frozen), the answers, the score."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal(0))
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "state"])]

    def __str__(self):
        return f"{self.quiz} · {self.user} · {self.number}"

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED


class AttemptQuestion(models.Model):
    """A question as drawn for one attempt, with the trainee's answer."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()
    response = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    fraction = models.DecimalField(
        max_digits=6, decimal_places=5, null=True, blank=True
    )
    mark = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_attempt_position"
            )
        ]

    def __str__(self):
        return f"{self.attempt} · {self.position}"
