"""Printable paper tests, for cascade sessions held without connectivity.

Two PDFs are made for a quiz, with reportlab's platypus (no browser needed),
both from one paper structure (``assessments.paper``: variants, seeds and the
reference that ties a key to its paper):

- :func:`quiz_paper_pdf`: the test handed out to participants — a header with
  the fields to fill in, the instructions, the numbered questions and, on a
  page of its own, an *answer sheet* that participants hand in;
- :func:`quiz_answer_key_pdf`: for trainers only — the right answers with the
  paper's lettering, the weights used for partial credit and a scoring guide.

Fonts, text cleaning and the document set-up are shared with the other PDFs
(``kalanso.pdf``). Check boxes are drawn, not typed, so they print with either
font.
"""

import io
from decimal import Decimal

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    TableStyle,
)

from kalanso import pdf as shared
from kalanso.display import decimal_text
from kalanso.pdf import clean, html_lines, markup
from kalanso.pdf import table as Table
from kalanso.pdftags import mark

from .models import Question, Quiz
from .paper import (
    CHOICE_TYPES,
    NumericAnswer,
    Paper,
    PaperQuestion,
    build_paper,
    to_decimal,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12  # platypus frames pad 6 pt each side
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#999999")


# Numbers -------------------------------------------------------------------------


def number(value, places=2) -> str:
    """A decimal for people: no useless zeros, the language's decimal mark."""
    return decimal_text(to_decimal(value), places)


def percent(fraction) -> str:
    """A fraction (0.5) as a percentage in the language's way (50 %, 50%)."""
    return percent_of(to_decimal(fraction) * 100)


def percent_of(value) -> str:
    """A number of per cent (70) in the language's way (70 %, 70%)."""
    return shared.percent_text(number(value))


def points(mark) -> str:
    mark = to_decimal(mark)
    count = int(mark) if mark == int(mark) else 2
    return ngettext("%(mark)s point", "%(mark)s points", count) % {"mark": number(mark)}


# Drawing -------------------------------------------------------------------------


class CheckBox(Flowable):
    """An empty square to tick or to write a letter/number in."""

    def __init__(self, size=3.8 * mm, line_width=0.8):
        super().__init__()
        self.size, self.line_width = size, line_width

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.setLineWidth(self.line_width)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def _truncate(text: str, font: str, size: float, width: float) -> str:
    text = " ".join(clean(text).split())
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class _Renderer:
    def __init__(self, paper: Paper):
        self.paper, self.quiz = paper, paper.quiz
        self.fonts = fonts = shared.get_fonts()
        # Helvetica's standard encoding has no arrow.
        self.arrow = "→" if fonts.unicode else "->"
        base = ParagraphStyle("base", fontName=fonts.regular, fontSize=10, leading=13.5)
        self.s_body = base
        self.s_title = ParagraphStyle(
            "title", parent=base, fontName=fonts.bold, fontSize=16, leading=20
        )
        self.s_h2 = ParagraphStyle(
            "h2",
            parent=base,
            fontName=fonts.bold,
            fontSize=12,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
        )
        self.s_small = ParagraphStyle(
            "small", parent=base, fontSize=8.5, leading=11, textColor=GREY
        )
        self.s_question = ParagraphStyle(
            "question", parent=base, leftIndent=7 * mm, firstLineIndent=-7 * mm
        )
        self.s_indented = ParagraphStyle("indented", parent=base, leftIndent=7 * mm)
        self.s_hint = ParagraphStyle(
            "hint",
            parent=self.s_small,
            leftIndent=7 * mm,
            spaceBefore=1,
            spaceAfter=3,
        )
        self.s_bullet = ParagraphStyle(
            "bullet",
            parent=base,
            leftIndent=5 * mm,
            bulletIndent=1 * mm,
            bulletFontName=fonts.regular,  # embedded, like the text
        )
        self.s_case = ParagraphStyle(
            "case", parent=base, leftIndent=4 * mm, rightIndent=2 * mm
        )
        self.s_cell = ParagraphStyle("cell", parent=base, leading=12.5)
        self.s_cell_bold = ParagraphStyle(
            "cellb", parent=self.s_cell, fontName=fonts.bold
        )
        self.s_warning = ParagraphStyle(
            "warning",
            parent=base,
            fontName=fonts.bold,
            textColor=colors.HexColor("#8B0000"),
            borderColor=colors.HexColor("#8B0000"),
            borderWidth=1,
            borderPadding=4,
            spaceBefore=6,
            spaceAfter=10,
        )

    # Shared pieces.

    def p(self, text, style=None):
        paragraph = Paragraph(markup(text), style or self.s_body)
        if style is self.s_h2:  # the sections of the document
            mark(paragraph, "H2")
        return paragraph

    def variant_line(self):
        return self.p(
            _("Variant %(seed)s · Reference %(reference)s")
            % {"seed": self.paper.seed, "reference": self.paper.reference},
            self.s_small,
        )

    def header(self, title, level="H1"):
        quiz = self.quiz
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
        details = " · ".join(
            [
                str(quiz.get_kind_display()),
                _("Printed on %(date)s") % {"date": today},
            ]
        )
        return [
            mark(self.p(title, self.s_title), level),
            self.p(details, self.s_small),
            self.variant_line(),
            Spacer(1, 4 * mm),
        ]

    def fields(self):
        """Name, session and date, to be written in."""
        cell = self.s_cell_bold
        table = Table(
            [
                [Paragraph(markup(_("Name")), cell), "", "", ""],
                [
                    Paragraph(markup(_("Session")), cell),
                    "",
                    Paragraph(markup(_("Date")), cell),
                    "",
                ],
            ],
            colWidths=[24 * mm, 84 * mm, 16 * mm, FRAME_WIDTH - 124 * mm],
            rowHeights=[9 * mm, 9 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (1, 0), (3, 0)),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (1, 0), (3, 0), 0.6, colors.black),
                    ("LINEBELOW", (1, 1), (1, 1), 0.6, colors.black),
                    ("LINEBELOW", (3, 1), (3, 1), 0.6, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return [table, Spacer(1, 5 * mm)]

    def grid(self, rows, widths, *, style=(), header=False):
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        table.hAlign = "LEFT"
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *style,
        ]
        table.setStyle(TableStyle(commands))
        return table

    def type_hint(self, q: PaperQuestion) -> str:
        hints = {
            "single": _("Tick one box."),
            "multiple": _("Several answers possible: tick all that apply."),
            "truefalse": _("Tick true or false."),
            "short": _("Write a short answer."),
            "numerical": _("Write a number."),
            "matching": _(
                "Write next to each number the letter of the matching option."
            ),
            "ordering": _("Number the items in the right order (1 = first)."),
        }
        return hints.get(q.type, "")

    def type_name(self, q: PaperQuestion) -> str:
        try:
            return str(Question.Type(q.type).label)
        except ValueError:
            return q.type

    def footer(self, label):
        fonts, quiz, paper = self.fonts, self.quiz, self.paper

        def draw(canvas, doc):
            canvas.saveState()
            canvas.setFont(fonts.regular, 7.5)
            canvas.setFillColor(GREY)
            right = _(
                "%(label)s · Variant %(seed)s · Ref. %(reference)s · Page %(page)d"
            ) % {
                "label": label,
                "seed": paper.seed,
                "reference": paper.reference,
                "page": doc.page,
            }
            right_width = pdfmetrics.stringWidth(right, fonts.regular, 7.5)
            canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, right)
            left = _truncate(
                quiz.title, fonts.regular, 7.5, FRAME_WIDTH - right_width - 8 * mm
            )
            canvas.drawString(MARGIN, 10 * mm, left)
            canvas.restoreState()

        return draw

    def build(self, story, *, title, footer_label) -> bytes:
        buffer = io.BytesIO()
        # Invariant: the same variant always prints the same bytes.
        doc = shared.flowing_document(
            buffer,
            title=title,
            language=_language(self.quiz),
            invariant=True,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=15 * mm,
            bottomMargin=18 * mm,
        )
        draw = self.footer(footer_label)
        doc.build(story, onFirstPage=draw, onLaterPages=draw)
        return buffer.getvalue()

    # The paper.

    def instructions(self):
        paper, quiz = self.paper, self.quiz
        count = len(paper.questions)
        bullets = [
            ngettext(
                "%(count)d question, %(total)s in all.",
                "%(count)d questions, %(total)s in all.",
                count,
            )
            % {"count": count, "total": points(paper.total_mark)},
            _(
                "Write your name, the session and the date on the answer sheet "
                "(last page). Hand in only the answer sheet."
            ),
            _(
                "Give your answers on the answer sheet: tick the boxes or write "
                "your answer next to the number of the question."
            ),
        ]
        if quiz.time_limit_minutes:
            bullets.append(
                ngettext(
                    "Time allowed: %(minutes)d minute.",
                    "Time allowed: %(minutes)d minutes.",
                    quiz.time_limit_minutes,
                )
                % {"minutes": quiz.time_limit_minutes}
            )
        bullets.append(
            _("Pass mark: %(percent)s.") % {"percent": percent_of(quiz.pass_mark)}
        )
        story = [self.p(_("Instructions"), self.s_h2)]
        story += [
            Paragraph(markup(text), self.s_bullet, bulletText="•") for text in bullets
        ]
        intro = html_lines(quiz.introduction)
        if intro:
            story.append(Spacer(1, 2 * mm))
            story += [self.p(line) for line in intro]
        return story

    def scenario(self, q: PaperQuestion):
        title = q.scenario.title
        heading = _("Case: %(title)s") % {"title": title} if title else _("Case")
        return [
            CondPageBreak(40 * mm),
            Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=0.5, color=LIGHT, spaceAfter=3),
            mark(self.p(heading, self.s_cell_bold), "H3"),
            *[self.p(line, self.s_case) for line in q.scenario.lines],
            HRFlowable(width="100%", thickness=0.5, color=LIGHT, spaceBefore=3),
            Spacer(1, 2 * mm),
        ]

    def label_width(self, labels) -> float:
        """Room for "A." … "AB." in bold, with the cell padding."""
        widest = max(
            (pdfmetrics.stringWidth(f"{x}.", self.fonts.bold, 10) for x in labels),
            default=0,
        )
        return max(8 * mm, widest + 7)

    def lettered(self, options, *, box=True, box_size=3.8 * mm):
        letters = self.label_width(o.letter for o in options)
        rows = [
            [
                CheckBox(box_size) if box else "",
                Paragraph(markup(f"{o.letter}."), self.s_cell_bold),
                Paragraph(markup(o.text), self.s_cell),
            ]
            for o in options
        ]
        return self.grid(
            rows,
            [9 * mm + box_size, letters, FRAME_WIDTH - 9 * mm - box_size - letters],
            style=[
                ("LEFTPADDING", (0, 0), (0, -1), 7 * mm),
                ("TOPPADDING", (0, 0), (0, -1), 2.5),
            ],
        )

    def answer_line(self):
        table = Table(
            [[Paragraph(markup(_("Answer:")), self.s_cell), ""]],
            colWidths=[25 * mm, FRAME_WIDTH - 100 * mm],
            rowHeights=[8 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (0, 0), 7 * mm),
                    ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                ]
            )
        )
        table.hAlign = "LEFT"
        return table

    def question_body(self, q: PaperQuestion):
        if q.type in CHOICE_TYPES:
            return [self.lettered(q.choices)]
        if q.type == "truefalse":
            row = [
                CheckBox(),
                Paragraph(markup(_("True")), self.s_cell),
                CheckBox(),
                Paragraph(markup(_("False")), self.s_cell),
            ]
            return [
                self.grid(
                    [row],
                    [12.8 * mm, 30 * mm, 5.8 * mm, 40 * mm],
                    style=[
                        ("LEFTPADDING", (0, 0), (0, 0), 7 * mm),
                        ("TOPPADDING", (0, 0), (0, 0), 2.5),
                        ("TOPPADDING", (2, 0), (2, 0), 2.5),
                    ],
                )
            ]
        if q.type in ("short", "numerical"):
            return [self.answer_line()]
        if q.type == "matching":
            return [self.matching(q)]
        if q.type == "ordering":
            return [self.lettered(q.items, box_size=6 * mm)]
        return []

    def matching(self, q: PaperQuestion):
        box = 6 * mm
        left = (FRAME_WIDTH - 7 * mm) / 2
        numbers = self.label_width(p.number for p in q.prompts)
        letters = self.label_width(o.letter for o in q.options)
        rows = []
        for i in range(max(len(q.prompts), len(q.options))):
            row = ["", "", "", "", "", ""]
            if i < len(q.prompts):
                prompt = q.prompts[i]
                row[0] = CheckBox(box)
                row[1] = Paragraph(markup(f"{prompt.number}."), self.s_cell_bold)
                row[2] = Paragraph(markup(prompt.text), self.s_cell)
            if i < len(q.options):
                option = q.options[i]
                row[4] = Paragraph(markup(f"{option.letter}."), self.s_cell_bold)
                row[5] = Paragraph(markup(option.text), self.s_cell)
            rows.append(row)
        return self.grid(
            rows,
            [
                9 * mm + box,
                numbers,
                left - 9 * mm - box - numbers,
                7 * mm,
                letters,
                FRAME_WIDTH - left - 7 * mm - letters,
            ],
            style=[
                ("LEFTPADDING", (0, 0), (0, -1), 7 * mm),
                ("TOPPADDING", (1, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBEFORE", (3, 0), (3, -1), 0.5, LIGHT),
            ],
        )

    def question(self, q: PaperQuestion):
        lines = list(q.lines) or [""]
        hint = " · ".join(filter(None, [self.type_hint(q), points(q.mark)]))
        if q.scenario and not q.scenario_first:
            hint += " · " + _("See the case “%(title)s” above.") % {
                "title": q.scenario.title
            }
        head = [
            Paragraph(
                f"<b>{q.number}.</b>&nbsp;&nbsp;{markup(lines[0])}", self.s_question
            ),
            *[self.p(line, self.s_indented) for line in lines[1:]],
            self.p(hint, self.s_hint),
        ]
        return [KeepTogether([*head, *self.question_body(q)]), Spacer(1, 5 * mm)]

    def answer_sheet_cell(self, q: PaperQuestion):
        def pairs(labels, box_size=3.8 * mm):
            label_width = max(
                pdfmetrics.stringWidth(label, self.fonts.regular, 10)
                for label in labels
            )
            label_width = min(max(label_width + 1 * mm, 4 * mm), 40 * mm)
            cells = []
            for label in labels:
                cells += [Paragraph(markup(label), self.s_cell), CheckBox(box_size)]
            per_row = 2 * max(1, int(126 * mm // (box_size + label_width + 8 * mm)))
            rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
            rows = [row + [""] * (per_row - len(row)) for row in rows]
            widths = [label_width + 2 * mm, box_size + 6 * mm] * (per_row // 2)
            table = Table(rows, colWidths=widths)
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 1),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ]
                )
            )
            table.hAlign = "LEFT"
            return table

        if q.type in CHOICE_TYPES:
            return pairs([o.letter for o in q.choices] or ["A"])
        if q.type == "truefalse":
            return pairs([_("True"), _("False")])
        if q.type == "matching":
            return pairs([str(p.number) for p in q.prompts] or ["1"], box_size=6 * mm)
        if q.type == "ordering":
            return pairs([o.letter for o in q.items] or ["A"], box_size=6 * mm)
        return ""  # short, numerical: the cell is the space to write in

    def answer_sheet(self):
        paper = self.paper
        story = [
            PageBreak(),
            *self.header(
                _("Answer sheet") + " — " + clean(self.quiz.title), level="H2"
            ),
            *self.fields(),
            self.p(
                _(
                    "Hand in this sheet. Tick the boxes, write the letters "
                    "(matching), the numbers (ordering) or your answer."
                ),
                self.s_small,
            ),
            Spacer(1, 3 * mm),
        ]
        rows = [
            [
                Paragraph(markup(_("No.")), self.s_cell_bold),
                Paragraph(markup(_("Your answer")), self.s_cell_bold),
                Paragraph(markup(_("Points")), self.s_cell_bold),
            ]
        ]
        heights = [None]
        for q in paper.questions:
            rows.append(
                [
                    Paragraph(markup(f"{q.number}"), self.s_cell_bold),
                    self.answer_sheet_cell(q),
                    "",
                ]
            )
            heights.append(11 * mm if q.type in ("short", "numerical") else None)
        table = Table(
            rows,
            colWidths=[12 * mm, FRAME_WIDTH - 34 * mm, 22 * mm],
            rowHeights=heights,
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (0, 0), (0, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        score = Table(
            [
                [
                    Paragraph(markup(_("Score (for the trainer)")), self.s_cell_bold),
                    "",
                    Paragraph(markup(f"/ {number(paper.total_mark)}"), self.s_cell),
                    "",
                    Paragraph("%", self.s_cell),
                ]
            ],
            colWidths=[60 * mm, 25 * mm, 20 * mm, 20 * mm, 10 * mm],
            rowHeights=[9 * mm],
        )
        score.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                    ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                ]
            )
        )
        score.hAlign = "LEFT"
        return [*story, table, Spacer(1, 5 * mm), score]

    def paper_story(self):
        story = [*self.header(self.quiz.title), *self.fields(), *self.instructions()]
        story.append(self.p(_("Questions"), self.s_h2))
        for q in self.paper.questions:
            if q.scenario and q.scenario_first:
                story += self.scenario(q)
            story += self.question(q)
        if not self.paper.questions:
            story.append(self.p(_("This quiz has no questions yet.")))
        return [*story, *self.answer_sheet()]

    # The answer key.

    def short_answer(self, q: PaperQuestion) -> str:
        """The right answer in a few characters, for the summary table."""
        if q.type in CHOICE_TYPES:
            if q.type == "single":
                best = max((o.fraction for o in q.choices), default=Decimal(0))
                right = [o for o in q.choices if o.fraction == best and best > 0]
            else:
                right = [o for o in q.choices if o.fraction > 0]
            return ", ".join(o.letter for o in right) or "—"
        if q.type == "truefalse":
            return _("True") if q.correct else _("False")
        if q.type == "short":
            best = max((a.fraction for a in q.accepted), default=Decimal(0))
            return " / ".join(a.text for a in q.accepted if a.fraction == best) or "—"
        if q.type == "numerical":
            best = max((a.fraction for a in q.numeric), default=Decimal(0))
            return (
                " / ".join(
                    self.numeric_text(a) for a in q.numeric if a.fraction == best
                )
                or "—"
            )
        if q.type == "matching":
            return ", ".join(
                f"{p.number} {self.arrow} {p.answer_letter or '—'}" for p in q.prompts
            )
        if q.type == "ordering":
            ordered = sorted(q.items, key=lambda o: o.position)
            return " – ".join(o.letter for o in ordered)
        return "—"

    def numeric_text(self, a: NumericAnswer) -> str:
        if a.minimum is not None and a.maximum is not None:
            return _("from %(minimum)s to %(maximum)s") % {
                "minimum": number(a.minimum, None),
                "maximum": number(a.maximum, None),
            }
        if a.value is None:
            return "—"
        if a.tolerance:
            return f"{number(a.value, None)} ± {number(a.tolerance, None)}"
        return number(a.value, None)

    def key_summary(self):
        rows = [
            [
                Paragraph(markup(_("No.")), self.s_cell_bold),
                Paragraph(markup(_("Right answer")), self.s_cell_bold),
                Paragraph(markup(_("Points")), self.s_cell_bold),
            ]
        ]
        for q in self.paper.questions:
            rows.append(
                [
                    Paragraph(markup(str(q.number)), self.s_cell_bold),
                    Paragraph(markup(self.short_answer(q)), self.s_cell),
                    Paragraph(markup(number(q.mark)), self.s_cell),
                ]
            )
        return self.grid(
            rows,
            [12 * mm, FRAME_WIDTH - 34 * mm, 22 * mm],
            header=True,
            style=[
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ],
        )

    def weights(self, rows):
        """rows: (label, text, fraction) → a table with the weight on the right,
        in bold when it earns points."""
        return self.grid(
            [
                [
                    Paragraph(markup(label), self.s_cell_bold),
                    Paragraph(markup(text), self.s_cell),
                    Paragraph(
                        markup(percent(fraction)),
                        self.s_cell_bold if fraction > 0 else self.s_cell,
                    ),
                ]
                for label, text, fraction in rows
            ],
            [16 * mm, FRAME_WIDTH - 40 * mm, 24 * mm],
            style=[
                ("LEFTPADDING", (0, 0), (0, -1), 7 * mm),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LIGHT),
            ],
        )

    def key_detail(self, q: PaperQuestion):
        first = q.lines[0] if q.lines else ""
        if len(first) > 160:
            first = first[:159] + "…"
        head = [
            Paragraph(
                f"<b>{q.number}.</b>&nbsp;&nbsp;{markup(first)}", self.s_question
            ),
            self.p(
                " · ".join([self.type_name(q), points(q.mark)]),
                self.s_hint,
            ),
        ]
        body = []
        if q.type in CHOICE_TYPES:
            body.append(
                self.weights([(f"{o.letter}.", o.text, o.fraction) for o in q.choices])
            )
            if q.type == "multiple":
                body.append(
                    self.p(
                        _(
                            "Add the weights of the ticked boxes; the result stays "
                            "between %(none)s and %(all)s."
                        )
                        % {"none": percent_of(0), "all": percent_of(100)},
                        self.s_hint,
                    )
                )
        elif q.type == "truefalse":
            body.append(
                self.weights(
                    [
                        ("", _("True"), Decimal(1 if q.correct else 0)),
                        ("", _("False"), Decimal(0 if q.correct else 1)),
                    ]
                )
            )
        elif q.type == "short":
            body.append(self.weights([("", a.text, a.fraction) for a in q.accepted]))
            body.append(
                self.p(_("Ignore case, accents and extra spaces."), self.s_hint)
            )
        elif q.type == "numerical":
            body.append(
                self.weights(
                    [("", self.numeric_text(a), a.fraction) for a in q.numeric]
                )
            )
            body.append(
                self.p(
                    _("A comma or a point may be used as decimal mark."), self.s_hint
                )
            )
        elif q.type == "matching":
            options = {o.letter: o.text for o in q.options}
            share = Decimal(1) / max(1, len(q.prompts))
            body.append(
                self.weights(
                    [
                        (
                            f"{p.number}.",
                            f"{p.text} {self.arrow} {p.answer_letter}. "
                            f"{options.get(p.answer_letter, '')}",
                            share,
                        )
                        for p in q.prompts
                    ]
                )
            )
            body.append(self.p(_("Each right match earns its share."), self.s_hint))
        elif q.type == "ordering":
            share = Decimal(1) / max(1, len(q.items))
            body.append(
                self.weights(
                    [
                        (f"{o.position}.", f"{o.letter}. {o.text}", share)
                        for o in sorted(q.items, key=lambda o: o.position)
                    ]
                )
            )
            body.append(
                self.p(_("Each item in its right place earns its share."), self.s_hint)
            )
        explanation = [
            self.p(_("Explanation: %(text)s") % {"text": line}, self.s_hint)
            for line in q.explanation[:1]
        ] + [self.p(line, self.s_hint) for line in q.explanation[1:]]
        return [KeepTogether([*head, *body]), *explanation, Spacer(1, 4 * mm)]

    def scoring_guide(self):
        paper, quiz = self.paper, self.quiz
        total = paper.total_mark
        needed = (quiz.pass_mark * total / 100) if total else Decimal(0)
        types = {q.type for q in paper.questions}
        rules = [
            _(
                "Each question earns its points multiplied by the weight of the "
                "answer given: %(all)s = all the points, %(half)s = half, "
                "%(none)s = none."
            )
            % {"all": percent_of(100), "half": percent_of(50), "none": percent_of(0)}
        ]
        if "multiple" in types:
            rules.append(
                _(
                    "Several answers possible: add the weights of all the ticked "
                    "boxes (a negative weight removes points); the result stays "
                    "between %(none)s and %(all)s."
                )
                % {"none": percent_of(0), "all": percent_of(100)}
            )
        if types & {"short", "numerical"}:
            rules.append(
                _(
                    "Short and numerical answers: when several answers are "
                    "accepted, use the best weight."
                )
            )
        if types & {"matching", "ordering"}:
            rules.append(
                _(
                    "Matching and ordering: each right line earns its share "
                    "(3 right out of 4 = %(share)s of the points)."
                )
                % {"share": percent_of(75)}
            )
        rules += [
            _(
                "Add the points of all the questions: the score is out of %(total)s. "
                "Score in %% = points ÷ %(total)s × 100."
            )
            % {"total": number(total)},
            _("Pass mark: %(percent)s, that is at least %(points)s out of %(total)s.")
            % {
                "percent": percent_of(quiz.pass_mark),
                "points": number(needed),
                "total": number(total),
            },
        ]
        return [
            self.p(_("How to mark"), self.s_h2),
            *[Paragraph(markup(r), self.s_bullet, bulletText="•") for r in rules],
        ]

    def key_story(self):
        story = [
            *self.header(_("Answer key") + " — " + clean(self.quiz.title)),
            self.p(
                _(
                    "For trainers only: do not hand out to participants. Check that "
                    "the paper shows the same variant and reference."
                ),
                self.s_warning,
            ),
            *self.scoring_guide(),
            self.p(_("Right answers"), self.s_h2),
            self.key_summary(),
            self.p(_("Weights for partial credit"), self.s_h2),
        ]
        for q in self.paper.questions:
            if q.scenario and q.scenario_first:
                story.append(
                    self.p(
                        _("Case: %(title)s") % {"title": q.scenario.title}, self.s_small
                    )
                )
            story += self.key_detail(q)
        return story


def _language(quiz: Quiz) -> str:
    return quiz.language or settings.LANGUAGE_CODE


def quiz_paper_pdf(*, quiz: Quiz, variant_seed: int | None = None) -> bytes:
    """The test to print for participants, ending with the answer sheet."""
    with translation.override(_language(quiz)):
        renderer = _Renderer(build_paper(quiz=quiz, variant_seed=variant_seed))
        return renderer.build(
            renderer.paper_story(), title=quiz.title, footer_label=_("Paper test")
        )


def quiz_answer_key_pdf(*, quiz: Quiz, variant_seed: int | None = None) -> bytes:
    """The answer key of the same variant, for trainers only."""
    with translation.override(_language(quiz)):
        renderer = _Renderer(build_paper(quiz=quiz, variant_seed=variant_seed))
        return renderer.build(
            renderer.key_story(),
            title=f"{_('Answer key')} — {quiz.title}",
            footer_label=_("Answer key"),
        )
