"""StreamField blocks for lesson bodies.

Blocks listed in ``PERSONAL_BLOCKS`` depend on who reads the page (a private
reflection, an exercise's feedback); every other block renders the same for
everyone, so the rendered HTML of those is cached per page revision.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a lesson (h2 or h3, for a sound outline)."""

    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section (h2)")), ("h3", _("Sub-section (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"


class ImageBlock(blocks.StructBlock):
    """An illustration. Alternative text is required: many readers use screen readers."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """A video offered as a link or download, never auto-loaded, with its transcript."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    url = blocks.URLBlock(label=_("Video address"), required=False)
    file = DocumentChooserBlock(label=_("Video file"), required=False)
    duration = blocks.CharBlock(label=_("Duration"), required=False, max_length=20)
    low_bandwidth_note = blocks.CharBlock(
        label=_("Low-bandwidth note"),
        required=False,
        max_length=250,
        help_text=_("E.g. 'Audio only version available' or the file size."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), features=["bold", "italic", "ol", "ul"]
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("url") and not value.get("file"):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Give a video address or a file."))
                }
            )
        return value


class AudioBlock(blocks.StructBlock):
    """An audio recording (e.g. in Bambara or Fulfulde), with its transcript."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    file = DocumentChooserBlock(label=_("Audio file"))
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), required=False, features=["bold", "italic"]
    )

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "blocks/audio_block.html"


class DocumentBlock(blocks.StructBlock):
    """A document to download; its size is shown so people know the cost."""

    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(
        label=_("Description"), required=False, max_length=250
    )

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document_block.html"


class KeyTakeawayBlock(blocks.StructBlock):
    """The one thing to remember from a section."""

    text = blocks.RichTextBlock(label=_("Key takeaway"), features=["bold", "italic"])

    class Meta:
        icon = "pick"
        label = _("Key takeaway")
        template = "blocks/key_takeaway_block.html"


class CaseStudyBlock(blocks.StructBlock):
    """A story from a real place in Mali, with questions to think about."""

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    place = blocks.CharBlock(
        label=_("Place"), max_length=120, help_text=_("E.g. Mopti, Gao")
    )
    story = blocks.RichTextBlock(
        label=_("Story"), features=["bold", "italic", "ol", "ul"]
    )
    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("Question"), max_length=300),
        label=_("Reflection questions"),
        min_num=0,
    )

    class Meta:
        icon = "openquote"
        label = _("Case study")
        template = "blocks/case_study_block.html"


class ReflectionPromptBlock(blocks.StructBlock):
    """A question the trainee answers in a private note (only they can read it)."""

    prompt = blocks.CharBlock(label=_("Prompt"), max_length=500)

    class Meta:
        icon = "edit"
        label = _("Reflection prompt")
        template = "blocks/reflection_prompt_block.html"


class GlossaryReferenceBlock(blocks.StructBlock):
    """Defines a term from the shared glossary where it is used."""

    term = SnippetChooserBlock("courses.GlossaryTerm", label=_("Term"))

    class Meta:
        icon = "help"
        label = _("Glossary term")
        template = "blocks/glossary_reference_block.html"


# Categories of the sorting exercises. Keys are stored; labels are translated.
SORTING_KINDS = {
    "connectors_dividers": {
        "label": _("Connectors and dividers"),
        "categories": [("connector", _("Connector")), ("divider", _("Divider"))],
    },
    "conflict_tree": {
        "label": _("Conflict tree"),
        "categories": [
            ("root_cause", _("Root cause")),
            ("core_problem", _("Core problem")),
            ("effect", _("Effect")),
        ],
    },
}
ALL_SORTING_CATEGORIES = [
    choice for kind in SORTING_KINDS.values() for choice in kind["categories"]
]


class SortingStatementBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Statement"), max_length=400)
    category = blocks.ChoiceBlock(
        label=_("Right answer"), choices=ALL_SORTING_CATEGORIES
    )
    explanation = blocks.CharBlock(
        label=_("Explanation"), max_length=600, help_text=_("Shown after the answer.")
    )


class SortingExerciseBlock(blocks.StructBlock):
    """Sort statements into categories (connectors / dividers, or a conflict tree).

    Works without JavaScript: a plain form, checked on the server, with feedback
    on each statement. The right answers never reach the page before an answer.
    """

    kind = blocks.ChoiceBlock(
        label=_("Exercise"),
        choices=[(key, value["label"]) for key, value in SORTING_KINDS.items()],
        default="connectors_dividers",
    )
    instructions = blocks.RichTextBlock(
        label=_("Instructions"), features=["bold", "italic"]
    )
    statements = blocks.ListBlock(
        SortingStatementBlock(), label=_("Statements"), min_num=2
    )

    class Meta:
        icon = "list-ul"
        label = _("Sorting exercise")
        template = "blocks/sorting_exercise_block.html"

    def clean(self, value):
        value = super().clean(value)
        allowed = {key for key, _label in SORTING_KINDS[value["kind"]]["categories"]}
        wrong = [
            str(index)
            for index, statement in enumerate(value["statements"], start=1)
            if statement["category"] not in allowed
        ]
        if wrong:
            raise StructBlockValidationError(
                block_errors={
                    "statements": ValidationError(
                        _("Statements %(numbers)s use a category of another exercise.")
                        % {"numbers": ", ".join(wrong)}
                    )
                }
            )
        return value

    @staticmethod
    def categories(value):
        return SORTING_KINDS[value["kind"]]["categories"]

    @staticmethod
    def grade(value, answers):
        """Compare answers ({index: category}) with the key; return per-statement results."""
        results = []
        labels = dict(ALL_SORTING_CATEGORIES)
        for index, statement in enumerate(value["statements"]):
            given = answers.get(index)
            results.append(
                {
                    "text": statement["text"],
                    "given": given,
                    "given_label": labels.get(given),
                    "expected_label": labels[statement["category"]],
                    "correct": given == statement["category"],
                    "explanation": statement["explanation"],
                }
            )
        return results


class KnowledgeCheckBlock(blocks.StructBlock):
    """A short ungraded quiz inside the lesson, with instant feedback."""

    quiz = SnippetChooserBlock("assessments.Quiz", label=_("Knowledge check"))

    class Meta:
        icon = "tasks"
        label = _("Knowledge check")
        template = "blocks/knowledge_check_block.html"

    def clean(self, value):
        value = super().clean(value)
        quiz = value.get("quiz")
        if quiz is not None and quiz.kind != "check":
            raise StructBlockValidationError(
                block_errors={
                    "quiz": ValidationError(
                        _("Choose a quiz of the kind “knowledge check”.")
                    )
                }
            )
        return value


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    document = DocumentBlock()
    key_takeaway = KeyTakeawayBlock()
    case_study = CaseStudyBlock()
    reflection = ReflectionPromptBlock()
    glossary = GlossaryReferenceBlock()
    sorting_exercise = SortingExerciseBlock()
    knowledge_check = KnowledgeCheckBlock()
    # The package's completion completes the lesson (see scorm.services).
    scorm = SnippetChooserBlock(
        "scorm.ScormPackage",
        label=_("SCORM package"),
        icon="media",
        help_text=_("The lesson is complete when the learner completes the package."),
    )


PERSONAL_BLOCKS = {"reflection", "sorting_exercise", "knowledge_check", "scorm"}


class SortingAnswerForm(forms.Form):
    """Built from a sorting block: one radio group per statement."""

    def __init__(self, *args, block_value, prefix, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.block_value = block_value
        choices = SortingExerciseBlock.categories(block_value)
        for index, statement in enumerate(block_value["statements"]):
            self.fields[str(index)] = forms.ChoiceField(
                label=statement["text"],
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer for this statement.")},
            )

    @cached_property
    def results(self):
        if not self.is_valid():
            return None
        answers = {int(key): value for key, value in self.cleaned_data.items()}
        return SortingExerciseBlock.grade(self.block_value, answers)

    @property
    def score(self):
        results = self.results or []
        return sum(1 for r in results if r["correct"]), len(results)
