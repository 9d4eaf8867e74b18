"""Demonstration quizzes for the conflict-sensitivity course, in French and
English: two parallel forms (pre-test A, post-test B) and a knowledge check.

Each question is (type, {"fr": text, "en": text}, answers, extra fields);
answers are (fraction, {"fr": text, "en": text}, {"fr": feedback, "en": feedback}).
"""

from decimal import Decimal

from .models import Answer, Question, QuestionCategory, Quiz, QuizSlot

R, W, H = Decimal(1), Decimal(0), Decimal("0.5")


def t(fr, en):
    return {"fr": fr, "en": en}


NO_FEEDBACK = t("", "")

FORM_A = [
    (
        "single",
        t(
            "Que signifie « être sensible aux conflits » ?",
            "What does being “conflict sensitive” mean?",
        ),
        [
            (
                R,
                t(
                    "Comprendre le contexte, comprendre l'interaction entre l'intervention et le contexte, et agir en conséquence",
                    "Understanding the context, the interaction between the intervention and the context, and acting on it",
                ),
                t("Oui : ce sont les trois étapes.", "Yes: these are the three steps."),
            ),
            (
                W,
                t(
                    "Travailler uniquement dans les zones sans conflit",
                    "Working only in areas without conflict",
                ),
                t(
                    "Non : on peut travailler partout, à condition de ne pas nuire.",
                    "No: you can work anywhere, provided you do no harm.",
                ),
            ),
            (
                W,
                t(
                    "Résoudre le conflit à la place des communautés",
                    "Solving the conflict on behalf of communities",
                ),
                NO_FEEDBACK,
            ),
        ],
    ),
    (
        "truefalse",
        t(
            "Une distribution d'aide peut renforcer un diviseur entre deux communautés.",
            "An aid distribution can strengthen a divider between two communities.",
        ),
        True,
    ),
    (
        "multiple",
        t(
            "Lesquels de ces éléments sont souvent des connecteurs ?",
            "Which of these are often connectors?",
        ),
        [
            (
                H,
                t("Un marché hebdomadaire partagé", "A shared weekly market"),
                NO_FEEDBACK,
            ),
            (
                H,
                t(
                    "Un point d'eau géré par un comité mixte",
                    "A water point run by a mixed committee",
                ),
                NO_FEEDBACK,
            ),
            (
                Decimal("-1"),
                t(
                    "Des rumeurs sur les critères de ciblage",
                    "Rumours about targeting criteria",
                ),
                t("Les rumeurs divisent.", "Rumours divide."),
            ),
        ],
    ),
    (
        "short",
        t(
            "Comment appelle-t-on ce qui rapproche les personnes par-delà les lignes de conflit ? (un mot)",
            "What do we call what brings people together across conflict lines? (one word)",
        ),
        [
            (R, t("connecteur", "connector"), NO_FEEDBACK),
            (R, t("connecteurs", "connectors"), NO_FEEDBACK),
        ],
    ),
    (
        "matching",
        t(
            "Associez chaque situation à ce qu'elle est le plus souvent.",
            "Match each situation with what it most often is.",
        ),
        [
            (
                R,
                t(
                    "Une radio communautaire multilingue",
                    "A multilingual community radio",
                ),
                t("Connecteur", "Connector"),
            ),
            (
                R,
                t(
                    "Un recrutement par le bouche-à-oreille",
                    "Word-of-mouth recruitment",
                ),
                t("Diviseur", "Divider"),
            ),
        ],
    ),
]

FORM_B = [
    (
        "single",
        t(
            "Quelle est la première étape d'une approche sensible aux conflits ?",
            "What is the first step of a conflict-sensitive approach?",
        ),
        [
            (
                R,
                t("Analyser le contexte", "Analysing the context"),
                t(
                    "Oui : tout part de l'analyse.",
                    "Yes: everything starts with the analysis.",
                ),
            ),
            (
                W,
                t(
                    "Distribuer l'aide le plus vite possible",
                    "Distributing aid as fast as possible",
                ),
                NO_FEEDBACK,
            ),
            (
                W,
                t(
                    "Choisir les partenaires les plus proches du bureau",
                    "Choosing the partners closest to the office",
                ),
                NO_FEEDBACK,
            ),
        ],
    ),
    (
        "truefalse",
        t(
            "Recruter tout le personnel dans une seule communauté est sans effet sur le conflit.",
            "Recruiting all staff from one community has no effect on the conflict.",
        ),
        False,
    ),
    (
        "multiple",
        t(
            "Lesquels de ces éléments peuvent être des diviseurs ?",
            "Which of these can be dividers?",
        ),
        [
            (
                H,
                t("Des critères de sélection opaques", "Opaque selection criteria"),
                NO_FEEDBACK,
            ),
            (
                H,
                t(
                    "Une compétition pour l'accès aux pâturages",
                    "Competition for access to pastures",
                ),
                NO_FEEDBACK,
            ),
            (
                Decimal("-1"),
                t(
                    "Une fête de fin de récolte commune",
                    "A shared end-of-harvest celebration",
                ),
                t(
                    "Une fête commune rapproche plutôt.",
                    "A shared celebration rather brings people together.",
                ),
            ),
        ],
    ),
    (
        "short",
        t(
            "Comment appelle-t-on ce qui oppose les groupes ou alimente la tension ? (un mot)",
            "What do we call what sets groups against each other or feeds tension? (one word)",
        ),
        [
            (R, t("diviseur", "divider"), NO_FEEDBACK),
            (R, t("diviseurs", "dividers"), NO_FEEDBACK),
        ],
    ),
    (
        "matching",
        t(
            "Associez chaque situation à ce qu'elle est le plus souvent.",
            "Match each situation with what it most often is.",
        ),
        [
            (
                R,
                t(
                    "Des mariages entre familles de deux communautés",
                    "Marriages between families of two communities",
                ),
                t("Connecteur", "Connector"),
            ),
            (
                R,
                t(
                    "Une aide qui ne cible qu'un seul quartier",
                    "Aid that targets only one neighbourhood",
                ),
                t("Diviseur", "Divider"),
            ),
        ],
    ),
]

CHECK = [
    (
        "single",
        t(
            "Un comité de gestion de l'eau où siègent éleveurs, agriculteurs et femmes est…",
            "A water committee where herders, farmers and women sit together is…",
        ),
        [
            (
                R,
                t("un connecteur", "a connector"),
                t(
                    "Oui : il rassemble des groupes autour d'un intérêt commun.",
                    "Yes: it brings groups together around a shared interest.",
                ),
            ),
            (
                W,
                t("un diviseur", "a divider"),
                t(
                    "Non : il réunit les usagers au lieu de les opposer.",
                    "No: it brings users together instead of setting them apart.",
                ),
            ),
        ],
    ),
    (
        "truefalse",
        t(
            "Un programme peut devenir lui-même un diviseur.",
            "A programme can itself become a divider.",
        ),
        True,
    ),
]

QUIZZES = {
    "pre": (
        t(
            "Pré-test : sensibilité aux conflits (forme A)",
            "Pre-test: conflict sensitivity (form A)",
        ),
        FORM_A,
    ),
    "post": (
        t(
            "Post-test : sensibilité aux conflits (forme B)",
            "Post-test: conflict sensitivity (form B)",
        ),
        FORM_B,
    ),
    "check": (
        t("Vérifions : connecteurs et diviseurs", "Check: connectors and dividers"),
        CHECK,
    ),
}


def _question(spec, language, category):
    kind, text, answers = spec[0], spec[1][language], spec[2]
    question = Question(
        type=kind, text=f"<p>{text}</p>", category=category, language=language
    )
    if kind == "truefalse":
        question.correct_answer_true = answers
        question.answers = []
    elif kind == "matching":
        question.answers = [
            Answer(sort_order=i, text=prompt[language], match=match[language])
            for i, (_f, prompt, match) in enumerate(answers)
        ]
    else:
        question.answers = [
            Answer(
                sort_order=i,
                fraction=fraction,
                text=label[language],
                feedback=feedback[language],
            )
            for i, (fraction, label, feedback) in enumerate(answers)
        ]
    question.save()
    return question


def seed_quizzes() -> dict:
    """Create the demo quizzes once; return {(kind, language): quiz}."""
    result = {}
    for language in ("fr", "en"):
        category, _ = QuestionCategory.objects.get_or_create(
            name={
                "fr": "Sensibilité aux conflits (démo)",
                "en": "Conflict sensitivity (demo)",
            }[language]
        )
        for kind, (titles, questions) in QUIZZES.items():
            quiz = Quiz.objects.filter(title=titles[language]).first()
            if quiz is None:
                quiz = Quiz(
                    title=titles[language],
                    kind=kind,
                    language=language,
                    pass_mark=Decimal(60),
                    feedback_policy="immediate"
                    if kind == "check"
                    else "after_submission",
                    attempts_allowed=0 if kind != "pre" else 1,
                    shuffle_answers=True,
                )
                quiz.slots = [
                    QuizSlot(question=_question(spec, language, category), sort_order=i)
                    for i, spec in enumerate(questions)
                ]
                quiz.save()
            result[(kind, language)] = quiz
    return result
