"""Builders for questions and quizzes, shared by tests, demo content and benchmarks."""

from decimal import Decimal

from .models import Answer, Question, QuestionCategory, Quiz, QuizSlot


def category(name="Connecteurs et diviseurs", parent=None):
    return QuestionCategory.objects.get_or_create(name=name, parent=parent)[0]


def question(type="single", text="<p>Question ?</p>", answers=(), cat=None, **fields):
    """answers: dicts of Answer fields, in order."""
    q = Question(type=type, text=text, category=cat or category(), **fields)
    q.answers = [Answer(sort_order=i, **a) for i, a in enumerate(answers)]
    q.save()
    return q


def single_choice(text="<p>Le marché partagé est…</p>", **fields):
    return question(
        "single",
        text,
        [
            {
                "text": "un connecteur",
                "fraction": Decimal(1),
                "feedback": "Oui : il rassemble.",
            },
            {"text": "un diviseur", "fraction": Decimal(0), "feedback": "Non."},
            {"text": "ni l'un ni l'autre", "fraction": Decimal(0)},
        ],
        **fields,
    )


def quiz_with(questions, **fields):
    quiz = Quiz(title=fields.pop("title", "Quiz"), **fields)
    quiz.slots = [QuizSlot(question=q, sort_order=i) for i, q in enumerate(questions)]
    quiz.save()
    return quiz
