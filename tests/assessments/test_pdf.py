"""Printable paper tests and their answer keys: every question type on paper,
an answer sheet to hand in, a key that only trainers get, variants by seed."""

import io
import re
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

import pytest
from pypdf import PdfReader

from assessments import factories, pdf
from assessments.models import Answer, Question, QuestionCategory, QuizSlot, Scenario
from assessments.paper import build_paper, letter
from courses.factories import user_with_role
from kalanso import pdf as kalanso_pdf
from kalanso.pdf import html_lines
from tests import corpora, pdfcheck

pytestmark = pytest.mark.django_db


def pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text with line wrapping undone."""
    return " ".join(text.split())


def text_of(data: bytes) -> str:
    return flat("\n".join(pages(data)))


def label(message, language="fr"):
    with translation.override(language):
        return gettext(message)


def _q(type, text, answers=(), **fields):
    return factories.question(type, text, answers, **fields)


@pytest.fixture
def scenario(db):
    return Scenario.objects.create(
        title="Le marché de Sévaré",
        text=(
            "<p>Deux communautés partagent le <b>marché</b> du lundi.</p>"
            "<ul><li>Les pêcheurs bozo</li><li>Les éleveurs peuls</li></ul>"
        ),
    )


@pytest.fixture
def draw_pool(db):
    pool = factories.category("Tirage au sort")
    return [
        _q(
            "single",
            f"<p>Question tirée numéro {n} ?</p>",
            [
                {"text": f"Option exacte tirée {n}", "fraction": Decimal(1)},
                {"text": f"Option fausse tirée {n}", "fraction": Decimal(0)},
            ],
            cat=pool,
        )
        for n in range(1, 9)
    ]


@pytest.fixture
def quiz(db, scenario, draw_pool):
    questions = [
        _q(
            "single",
            "<p>Dans ce cas, le marché partagé est…</p>",
            [
                {"text": "un connecteur", "fraction": Decimal(1)},
                {"text": "un diviseur", "fraction": Decimal(0)},
                {"text": "ni l'un ni l'autre", "fraction": Decimal(0)},
            ],
            scenario=scenario,
            general_feedback="<p>EXPLICATION-POUR-FORMATEURS</p>",
        ),
        _q(
            "multiple",
            "<p>Lesquels sont des connecteurs dans ce cas ?</p>",
            [
                {"text": "Les mariages entre familles", "fraction": Decimal("0.5")},
                {"text": "Le puits partagé", "fraction": Decimal("0.5")},
                {"text": "Les rumeurs sur l'aide", "fraction": Decimal("-1")},
            ],
            scenario=scenario,
        ),
        _q(
            "truefalse",
            "<p>Le principe « ne pas nuire » est facultatif.</p>",
            correct_answer_true=False,
        ),
        _q(
            "short",
            "<p>Quelle ville accueille les patrouilles mixtes ?</p>",
            [
                {"text": "Gaoville", "fraction": Decimal(1)},
                {"text": "Ansongo", "fraction": Decimal("0.5")},
            ],
        ),
        _q(
            "numerical",
            "<p>Combien de kilomètres entre Mopti et Sévaré ?</p>",
            [{"number": Decimal(1059), "tolerance": Decimal("2.5"), "fraction": 1}],
        ),
        _q(
            "numerical",
            "<p>Quelle part du budget (en %) pour la médiation ?</p>",
            [{"minimum": Decimal(37), "maximum": Decimal(41), "fraction": 1}],
        ),
        _q(
            "matching",
            "<p>Associez chaque région à son repère.</p>",
            [
                {"text": "Mopti", "match": "Delta intérieur"},
                {"text": "Tombouctou", "match": "Manuscrits anciens"},
                {"text": "Kayes", "match": "Fleuve Sénégal"},
            ],
        ),
        _q(
            "ordering",
            "<p>Ordonnez les étapes de l'analyse.</p>",
            [
                {"text": "Analyser le contexte"},
                {"text": "Analyser l'intervention"},
                {"text": "Choisir les options"},
                {"text": "Agir et suivre"},
            ],
        ),
    ]
    quiz = factories.quiz_with(
        questions,
        title="Post-test : Analyse des connecteurs",
        kind="post",
        pass_mark=Decimal(70),
        language="fr",
    )
    QuizSlot.objects.create(
        quiz=quiz,
        random_category=draw_pool[0].category,
        random_count=2,
        sort_order=len(questions),
    )
    return quiz


def by_type(paper, kind):
    return [q for q in paper.questions if q.type == kind]


# The paper ---------------------------------------------------------------------


def test_paper_shows_every_question_with_lettered_options(quiz):
    paper = build_paper(quiz=quiz, variant_seed=7)
    assert len(paper.questions) == 10
    assert {q.type for q in paper.questions} == {
        "single",
        "multiple",
        "truefalse",
        "short",
        "numerical",
        "matching",
        "ordering",
    }
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz, variant_seed=7))

    assert quiz.title in text
    assert label("Post-test") in text
    for field in ("Name", "Session", "Date", "Instructions"):
        assert label(field) in text
    for q in paper.questions:
        assert f"{q.number}. {q.lines[0]}" in text
    for q in by_type(paper, "single") + by_type(paper, "multiple"):
        positions = [text.index(f"{o.letter}. {o.text}") for o in q.choices]
        assert positions == sorted(positions)
        assert [o.letter for o in q.choices] == list("ABC")[: len(q.choices)]
    assert label("Several answers possible: tick all that apply.") in text
    assert f"{label('True')} {label('False')}" in text
    matching = by_type(paper, "matching")[0]
    for prompt in matching.prompts:
        assert f"{prompt.number}. {prompt.text}" in text
    for option in matching.options:
        assert f"{option.letter}. {option.text}" in text
    ordering = by_type(paper, "ordering")[0]
    for item in ordering.items:
        assert f"{item.letter}. {item.text}" in text
    # Not listed in the right order: that would give the answer away.
    assert [i.position for i in ordering.items] != sorted(
        i.position for i in ordering.items
    )
    assert text.count(label("Answer:")) == 3  # short and numerical questions


def test_scenario_is_printed_once_before_its_first_question(quiz):
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz))
    case = text.index("Le marché de Sévaré")
    assert text.count("Deux communautés partagent le marché du lundi.") == 1
    assert "• Les pêcheurs bozo" in text and "• Les éleveurs peuls" in text
    assert case < text.index("Dans ce cas, le marché partagé est…")
    assert case < text.index("Lesquels sont des connecteurs dans ce cas ?")


def test_answer_sheet_is_a_separate_last_page(quiz):
    paper = build_paper(quiz=quiz)
    texts = [flat(t) for t in pages(pdf.quiz_paper_pdf(quiz=quiz))]
    sheet_label = label("Answer sheet")
    assert len(texts) >= 2
    first_sheet = next(i for i, t in enumerate(texts) if sheet_label in t)
    assert first_sheet >= 1
    sheet = " ".join(texts[first_sheet:])
    assert all(sheet_label not in t for t in texts[:first_sheet])
    for field in ("Name", "Session", "Date", "No.", "Your answer"):
        assert label(field) in sheet
    # Question numbers and boxes to tick, no question text.
    assert "1 A B C" in sheet
    for q in paper.questions:
        assert q.lines[0] not in sheet
    assert label("Score (for the trainer)") in sheet


def test_paper_does_not_give_the_answers_away(quiz):
    paper = build_paper(quiz=quiz, variant_seed=3)
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz, variant_seed=3))
    for secret in (
        "100 %",
        "50 %",
        label("Right answer"),
        label("Answer key"),
        label("Weights for partial credit"),
        "EXPLICATION-POUR-FORMATEURS",
        "Gaoville",  # accepted short answers
        "Ansongo",
        "1059",  # the numerical answers
        "→",
    ):
        assert secret not in text, secret
    assert paper.reference in text


# The answer key ------------------------------------------------------------------


def test_answer_key_has_the_right_answers_with_the_paper_lettering(quiz):
    paper = build_paper(quiz=quiz, variant_seed=11)
    key = text_of(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=11))

    assert label("Answer key") in key
    assert label("How to mark") in key
    assert paper.reference in key
    assert "70 %" in key  # the pass mark
    single = next(q for q in paper.questions if q.lines[0].startswith("Dans ce cas"))
    right = next(o for o in single.choices if o.fraction == 1)
    assert f"{right.letter}. un connecteur 100 %" in key
    multiple = by_type(paper, "multiple")[0]
    for option in multiple.choices:
        weight = {"0.5": "50 %", "-1": "-100 %"}[str(option.fraction.normalize())]
        assert f"{option.letter}. {option.text} {weight}" in key
    right_multiple = ", ".join(o.letter for o in multiple.choices if o.fraction > 0)
    assert f"{multiple.number} {right_multiple}" in key
    truefalse = by_type(paper, "truefalse")[0]
    assert f"{truefalse.number} {label('False')}" in key
    assert "Gaoville 100 %" in key and "Ansongo 50 %" in key
    assert "1059 ± 2,5" in key
    assert "37" in key and "41" in key
    matching = by_type(paper, "matching")[0]
    options = {o.text: o.letter for o in matching.options}
    expected = ", ".join(
        f"{n} → {options[answer]}"
        for n, answer in enumerate(
            ["Delta intérieur", "Manuscrits anciens", "Fleuve Sénégal"], start=1
        )
    )
    assert f"{matching.number} {expected}" in key
    ordering = by_type(paper, "ordering")[0]
    by_text = {o.text: o.letter for o in ordering.items}
    sequence = " – ".join(
        by_text[t]
        for t in (
            "Analyser le contexte",
            "Analyser l'intervention",
            "Choisir les options",
            "Agir et suivre",
        )
    )
    assert f"{ordering.number} {sequence}" in key
    assert "EXPLICATION-POUR-FORMATEURS" in key
    # Drawn questions are in the key too, with their right answer.
    for q in paper.questions[8:]:
        assert q.lines[0] in key
        assert f"A. {q.choices[0].text}" in key or f"B. {q.choices[1].text}" in key


def test_same_seed_gives_the_same_paper_and_key(quiz):
    assert build_paper(quiz=quiz, variant_seed=42) == build_paper(
        quiz=quiz, variant_seed=42
    )
    assert pdf.quiz_paper_pdf(quiz=quiz, variant_seed=42) == pdf.quiz_paper_pdf(
        quiz=quiz, variant_seed=42
    )
    paper_text = text_of(pdf.quiz_paper_pdf(quiz=quiz, variant_seed=42))
    key_text = text_of(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=42))
    paper = build_paper(quiz=quiz, variant_seed=42)
    for q in paper.questions:
        for option in q.choices:
            assert f"{option.letter}. {option.text}" in paper_text
            assert f"{option.letter}. {option.text}" in key_text
    # No seed is variant 0, printed as such.
    assert build_paper(quiz=quiz) == build_paper(quiz=quiz, variant_seed=0)
    with translation.override(quiz.language):
        variant = gettext("Variant %(seed)s · Reference %(reference)s").split(
            "%(seed)s"
        )[0]
    assert f"{variant}0" in text_of(pdf.quiz_paper_pdf(quiz=quiz))


def test_different_seeds_draw_different_questions(quiz):
    papers = [build_paper(quiz=quiz, variant_seed=s) for s in range(12)]
    fixed = {tuple(q.question_id for q in p.questions[:8]) for p in papers}
    drawn = {tuple(q.question_id for q in p.questions[8:]) for p in papers}
    assert len(fixed) == 1  # fixed questions keep the slot order
    assert len(drawn) > 3
    assert len({p.reference for p in papers}) == len({(p.questions) for p in papers})
    a, b = next(
        (x, y)
        for x in papers
        for y in papers
        if {q.question_id for q in x.questions[8:]}
        != {q.question_id for q in y.questions[8:]}
    )
    text_a = text_of(pdf.quiz_paper_pdf(quiz=quiz, variant_seed=a.seed))
    key_a = text_of(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=a.seed))
    only_b = [
        q
        for q in b.questions[8:]
        if q.question_id not in {x.question_id for x in a.questions}
    ]
    for q in a.questions[8:]:
        assert q.lines[0] in text_a and q.lines[0] in key_a
    for q in only_b:
        assert q.lines[0] not in text_a and q.lines[0] not in key_a


def test_labels_follow_the_quiz_language(quiz):
    quiz.language = "en"
    quiz.save()
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz))
    assert "Name" in text and "Answer sheet" in text and "Post-test" in text


def test_empty_quiz_still_prints(db):
    quiz = factories.quiz_with([], title="Vide")
    assert "Vide" in text_of(pdf.quiz_paper_pdf(quiz=quiz))
    assert "Vide" in text_of(pdf.quiz_answer_key_pdf(quiz=quiz))


# Text and fonts --------------------------------------------------------------------


def test_html_lines_keeps_paragraphs_and_list_items():
    html = (
        "<h2>Cas</h2><p>Un <b>marché</b>&nbsp;partagé &amp; <i>calme</i>.<br>Suite</p>"
        "<ol><li>un</li><li>deux</li></ol><ul><li>point</li></ul>"
        "<script>alert('x')</script><style>p{}</style><p>  fin  </p>"
    )
    assert html_lines(html) == [
        "Cas",
        "Un marché\xa0partagé & calme.",
        "Suite",
        "1. un",
        "2. deux",
        "• point",
        "fin",
    ]
    assert html_lines(None) == []
    assert html_lines("<![if !supportLists]>x<![endif]><!-- c -->y") in (
        ["xy"],
        ["x y"],
        ["y"],
    )


def test_letters_go_past_z():
    assert [letter(i) for i in (0, 5, 25, 26, 27)] == ["A", "F", "Z", "AA", "AB"]


def _latin_extended_quiz():
    question = _q(
        "single",
        "<p>Ɲɛnajɛ ŋɔɔni ? Élève, à côté, garçon, hôpital, cœur</p>",
        [
            {"text": "Ɔ ɛ ŋ ɲ", "fraction": 1},
            {"text": "é è à ç ô", "fraction": 0},
        ],
    )
    return factories.quiz_with([question], title="Kalansoli ɛ ŋ")


def test_dejavu_prints_latin_extended_letters(db):
    fonts = kalanso_pdf.get_fonts()
    # The code's own lookup; CI installs fonts-dejavu-core, so none is a failure.
    assert kalanso_pdf.find_dejavu(), "DejaVu Sans not found: install fonts-dejavu-core"
    assert fonts.unicode and fonts.regular == "KalansoSans"
    quiz = _latin_extended_quiz()
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz))
    assert "Ɲɛnajɛ ŋɔɔni ? Élève, à côté, garçon, hôpital, cœur" in text
    assert "A. Ɔ ɛ ŋ ɲ" in text and "B. é è à ç ô" in text


def test_helvetica_fallback_prints_french_and_never_fails(db, monkeypatch):
    monkeypatch.setattr(kalanso_pdf, "get_fonts", lambda: kalanso_pdf.HELVETICA)
    quiz = _latin_extended_quiz()
    paper = pdf.quiz_paper_pdf(quiz=quiz)
    key = pdf.quiz_answer_key_pdf(quiz=quiz)
    assert b"KalansoSans" not in paper
    text = text_of(paper)
    assert "Élève, à côté, garçon, hôpital, cœur" in text
    assert "B. é è à ç ô" in text
    assert "100 %" in text_of(key)


# Hostile text ----------------------------------------------------------------------


def _corpus_quiz(strings, title):
    """Questions and answers made of third-party bad inputs."""
    assert strings
    cat = QuestionCategory.objects.create(name=f"Corpus {title}")
    scenario = Scenario.objects.create(title=strings[0][:200], text=strings[1])
    kinds = ["single", "multiple", "short", "matching", "ordering"]
    questions = []
    for n, start in enumerate(range(0, len(strings), 4)):
        chunk = (strings[start : start + 4] * 4)[:4]
        kind = kinds[n % len(kinds)]
        question = Question(
            type=kind,
            text=chunk[0],
            category=cat,
            scenario=scenario if n % 7 == 0 else None,
            general_feedback=chunk[1],
        )
        question.answers = [
            Answer(
                sort_order=i,
                text=value[:1000],
                match=chunk[(i + 1) % 4][:500],
                fraction=Decimal(1 if i == 0 else 0),
            )
            for i, value in enumerate(chunk)
        ]
        question.save()
        questions.append(question)
    return factories.quiz_with(questions, title=strings[2][:255] or title)


def _assert_both_pdfs_render(quiz):
    paper = pages(pdf.quiz_paper_pdf(quiz=quiz, variant_seed=1))
    key = pages(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=1))
    assert len(paper) >= 2 and len(key) >= 1


@pytest.mark.parametrize("font", ["dejavu", "helvetica"])
def test_naughty_strings_never_crash(db, monkeypatch, font):
    if font == "helvetica":
        monkeypatch.setattr(kalanso_pdf, "get_fonts", lambda: kalanso_pdf.HELVETICA)
    strings = [s for s in corpora.naughty_strings() if s]
    _assert_both_pdfs_render(_corpus_quiz(strings, "blns"))


@pytest.mark.parametrize("font", ["dejavu", "helvetica"])
def test_xss_payloads_never_crash(db, monkeypatch, font):
    if font == "helvetica":
        monkeypatch.setattr(kalanso_pdf, "get_fonts", lambda: kalanso_pdf.HELVETICA)
    quiz = _corpus_quiz(corpora.xss_payloads(), "xss")
    _assert_both_pdfs_render(quiz)


def test_markup_is_escaped_not_interpreted(db):
    question = _q(
        "single",
        "<p>&lt;b&gt;not bold&lt;/b&gt; &lt;font color=red&gt;x</p>",
        [
            {"text": "<para>A & B</para>", "fraction": 1},
            {"text": "</b><i>unbalanced", "fraction": 0},
            {"text": '<img src=x onerror="alert(1)">', "fraction": 0},
        ],
    )
    quiz = factories.quiz_with([question], title="<script>alert(1)</script>")
    text = text_of(pdf.quiz_paper_pdf(quiz=quiz))
    assert "<b>not bold</b> <font color=red>x" in text
    assert "<para>A & B</para>" in text
    assert "</b><i>unbalanced" in text
    assert '<img src=x onerror="alert(1)">' in text
    assert "<script>alert(1)</script>" in text


# The views ---------------------------------------------------------------------------

pdf_urls = pytest.mark.urls("tests.assessments.pdf_test_urls")


def paper_url(quiz, **query):
    url = reverse("assessments_quiz_paper", args=[quiz.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def key_url(quiz, **query):
    url = reverse("assessments_quiz_answer_key", args=[quiz.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def grant(group_name, *codenames):
    group = Group.objects.get(name=group_name)
    for codename in codenames:
        if not group.permissions.filter(
            content_type__app_label="assessments", codename=codename
        ).exists():
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="assessments", codename=codename
                )
            )


@pdf_urls
def test_anonymous_users_are_sent_to_log_in(client, quiz):
    for url in (paper_url(quiz), key_url(quiz)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pdf_urls
def test_trainees_get_neither_paper_nor_key(trainee_client, quiz):
    assert trainee_client.get(paper_url(quiz)).status_code == 403
    assert trainee_client.get(key_url(quiz)).status_code == 403


@pdf_urls
def test_editor_needs_quiz_permissions(client, editor, quiz):
    client.force_login(editor)
    group = Group.objects.get(name="Editor")
    if not group.permissions.filter(codename__in=["view_quiz", "change_quiz"]):
        assert client.get(paper_url(quiz)).status_code == 403
        assert client.get(key_url(quiz)).status_code == 403
    grant("Editor", "view_quiz")
    editor = type(editor).objects.get(pk=editor.pk)  # permission cache
    client.force_login(editor)
    assert client.get(paper_url(quiz)).status_code == 200
    if not group.permissions.filter(codename="change_quiz").exists():
        assert client.get(key_url(quiz)).status_code == 403
    grant("Editor", "change_quiz")
    response = client.get(key_url(quiz))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", ["Trainer", "Master trainer"])
@pdf_urls
def test_trainers_get_paper_and_key(client, quiz, role):
    client.force_login(user_with_role(f"{role.replace(' ', '')}@example.org", role))
    paper = client.get(paper_url(quiz, seed=12))
    assert paper.status_code == 200
    assert paper["Content-Type"] == "application/pdf"
    assert paper["Content-Disposition"] == (
        'attachment; filename="post-test-analyse-des-connecteurs-paper-v12.pdf"'
    )
    assert "no-cache" in paper["Cache-Control"] or "no-store" in paper["Cache-Control"]
    assert text_of(paper.content) == text_of(
        pdf.quiz_paper_pdf(quiz=quiz, variant_seed=12)
    )
    key = client.get(key_url(quiz, seed=12))
    assert key.status_code == 200
    assert key["Content-Disposition"].endswith('-answer-key-v12.pdf"')
    assert build_paper(quiz=quiz, variant_seed=12).reference in text_of(key.content)
    assert (
        client.get(reverse("assessments_quiz_paper", args=[quiz.pk + 999])).status_code
        == 404
    )
    assert client.post(paper_url(quiz)).status_code == 405


@pdf_urls
@pytest.mark.parametrize(
    "seed", ["abc", "-1", "1000000", "1.5", "", "%D9%A3", "1e3", "+5", "0x10", "12%20"]
)
def test_bad_seeds_are_refused(client, quiz, seed):
    client.force_login(user_with_role("trainer@example.org", "Trainer"))
    response = client.get(paper_url(quiz, seed=seed))
    assert response.status_code == 400
    assert client.get(key_url(quiz, seed=seed)).status_code == 400


@pdf_urls
def test_seed_bounds_and_ascii_filename(client, quiz):
    client.force_login(user_with_role("trainer@example.org", "Trainer"))
    assert client.get(paper_url(quiz, seed=0)).status_code == 200
    assert client.get(paper_url(quiz, seed=999999)).status_code == 200
    quiz.title = 'Évaluation ɛ ŋ 😀 "quoted"; <script>\r\nX: y'
    quiz.save()
    response = client.get(paper_url(quiz, seed="000007"))
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert re.fullmatch(
        r'attachment; filename="[a-z0-9_-]+-paper-v7\.pdf"', disposition
    )
    assert (
        disposition
        == 'attachment; filename="evaluation-quoted-script-x-y-paper-v7.pdf"'
    )
    quiz.title = "😀😀"
    quiz.save()
    response = client.get(paper_url(quiz))
    assert response["Content-Disposition"] == (
        f'attachment; filename="quiz-{quiz.pk}-paper-v0.pdf"'
    )


def test_very_long_texts_flow_over_pages(db):
    scenario = Scenario.objects.create(
        title=("Long " * 60)[:200], text="<p>" + "mot " * 6000 + "</p>"
    )
    question = _q(
        "matching",
        "<p>" + "Texte très long. " * 800 + "</p>",
        [
            {"text": "x" * 1000, "match": "y" * 500},
            {"text": "court " * 160, "match": "z" * 500},
        ],
        scenario=scenario,
    )
    choice = _q(
        "multiple",
        "<p>Choix</p>",
        [{"text": "w" * 1000, "fraction": 1}]
        + [{"text": f"option {n}", "fraction": 0} for n in range(40)],
    )
    quiz = factories.quiz_with([question, choice], title="T" * 255)
    paper = pages(pdf.quiz_paper_pdf(quiz=quiz))
    assert len(paper) > 3
    assert "AN." in flat(" ".join(paper))  # the 41st option, past Z
    assert len(pages(pdf.quiz_answer_key_pdf(quiz=quiz))) >= 1


def test_trainer_downloads_the_paper_from_the_site(client):
    """Trainers are not admin users: the PDFs are served on the site."""
    from django.urls import reverse

    from courses.factories import user_with_role

    quiz = factories.quiz_with([factories.single_choice()], title="Papier")
    client.force_login(user_with_role("trainer-site@example.org", "Trainer"))
    for name in (
        "assessments:assessments_quiz_paper",
        "assessments:assessments_quiz_answer_key",
    ):
        response = client.get(reverse(name, args=[quiz.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


# What outside validators check ----------------------------------------------------


def _both(quiz, seed=7):
    return (
        pdf.quiz_paper_pdf(quiz=quiz, variant_seed=seed),
        pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=seed),
    )


def test_every_font_is_embedded(quiz):
    # Bullets, empty table cells and each page's initial font included:
    # nothing refers to a font the file does not carry (Helvetica).
    for data in _both(quiz):
        found = pdfcheck.fonts(data)
        assert found and all(found.values()), found
        assert not any(name.startswith("Helvetica") for name in found)


def test_metadata_creator_title_language(quiz):
    for data in _both(quiz):
        info = pdfcheck.structure(data)
        assert info["creator"] == "Kalanso"
        assert info["lang"] == quiz.language
        assert info["display_title"]
        assert quiz.title in info["title"]


def test_no_line_starts_with_a_colon(quiz):
    # "Réponse :" keeps its colon (a no-break space before it).
    for data in _both(quiz):
        for text in pages(data):
            assert not [line for line in text.splitlines() if line.startswith(":")]
    assert kalanso_pdf.markup("Réponse :") == "Réponse\u00a0:"
    assert kalanso_pdf.markup("« Oui » ?") == "«\u00a0Oui\u00a0»\u00a0?"


def test_percentages_in_the_languages_format(quiz):
    key = text_of(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=7))
    percentages = re.findall(r"\d+(?:,\d+)?\s?%", key)
    assert percentages
    # French: always a (no-break) space before the sign, "100 %" and "0 %".
    assert all(re.fullmatch(r"[\d,]+\s%", p) for p in percentages), percentages
    quiz.language = "en"
    quiz.save()
    key = text_of(pdf.quiz_answer_key_pdf(quiz=quiz, variant_seed=7))
    percentages = re.findall(r"\d+(?:\.\d+)?\s?%", key)
    assert "100%" in percentages and "0%" in percentages
    assert all(re.fullmatch(r"[\d.]+%", p) for p in percentages), percentages


def test_paper_and_key_are_tagged(quiz):
    """A screen reader finds a structure tree: the title as a heading, the
    instructions as a list, questions as paragraphs, the answer sheet and
    the options as tables, the footer left out as an artifact."""
    paper, key = _both(quiz)
    for data in (paper, key):
        info = pdfcheck.structure(data)
        assert info["marked"] and info["parent_tree"]
        kinds = [kind for kind, _depth, _mcids in info["elements"]]
        assert kinds[0] == "Document"
        assert kinds[1] == "H1"
        assert {"H2", "P", "L", "LI", "LBody", "Table", "TR", "TD", "TH"} <= set(
            kinds
        ), kinds
        # Every leaf that holds content points at marked content.
        assert all(
            mcids for kind, _d, mcids in info["elements"] if kind in {"P", "H1", "TD"}
        )
    # The text of the first heading is the quiz's title.
    assert pdfcheck.tagged_text(paper, "H1")[0] == quiz.title
    assert quiz.title not in " ".join(pdfcheck.tagged_text(paper, "P"))
