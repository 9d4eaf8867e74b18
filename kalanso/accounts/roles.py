"""The platform's roles: one vocabulary for "who may do what".

Two things live here and nowhere else:

- the names of the Django groups that carry the roles (give people a role by
  putting them in the group; ``trainers.certification.sync_groups`` keeps the
  trainer-pool groups in step with each person's level and status);
- the role predicates every view, menu, template and context processor asks
  ("is a programme manager", "may print an answer key"…).

The predicates test permission codenames, not group names: a group is one way
of granting a permission, and superusers hold every permission. Codenames are
plain strings ("trainers.lead_session"), so this module imports no app's
models and sits at the bottom of the import chain (accounts ← assessments ←
courses ← trainers ← certificates / reporting).

Rules that depend on an object (this session's trainers, this credential's
holder) stay in each app's ``permissions`` module, built on these predicates.

Templates get the current user's predicates as ``roles`` (from
``kalanso.context_processors.navigation``): ``{% if roles.is_trainer %}``.
"""

from django.utils.translation import gettext_lazy as _

# Groups ---------------------------------------------------------------------
# The migrations that created them keep their own copies of these names
# (frozen history); everything else uses the constants.

TRAINEE = "Trainee"
TRAINER = "Trainer"
MASTER_TRAINER = "Master trainer"
EDITOR = "Editor"
MODERATOR = "Moderator"
PROGRAMME_MANAGER = "Programme manager"
# Everyone with a trainer profile, whatever their level or status (candidates
# included). Kept in step by ``trainers.certification.sync_groups``.
TRAINER_POOL = "Trainer pool"

# The groups' names in the reader's language (the names themselves are codes).
GROUP_LABELS = {
    TRAINEE: _("Trainee"),
    TRAINER: _("Trainer"),
    MASTER_TRAINER: _("Master trainer"),
    EDITOR: _("Editor"),
    MODERATOR: _("Moderator"),
    PROGRAMME_MANAGER: _("Programme manager"),
    TRAINER_POOL: _("Trainer pool"),
}

GROUPS = (
    TRAINEE,
    TRAINER,
    MASTER_TRAINER,
    EDITOR,
    MODERATOR,
    PROGRAMME_MANAGER,
    TRAINER_POOL,
)

# Permissions ("app_label.codename") -----------------------------------------

ACCESS_ADMIN = "wagtailadmin.access_admin"
VIEW_QUIZ = "assessments.view_quiz"
CHANGE_QUIZ = "assessments.change_quiz"
ADD_QUESTION = "assessments.add_question"
VIEW_QUESTION = "assessments.view_question"
IN_TRAINER_POOL = "trainers.in_trainer_pool"
LEAD_SESSION = "trainers.lead_session"
VALIDATE_SESSION = "trainers.validate_session"
VIEW_ALL_SESSIONS = "trainers.view_all_sessions"
VIEW_TRAINER_DIRECTORY = "trainers.view_trainer_directory"
CHANGE_TRAINER_LEVEL = "trainers.change_trainer_level"
VIEW_WHOLE_CASCADE = "trainers.view_whole_cascade"


def _has(user, permission: str) -> bool:
    """Logged in, active and holding the permission (Django's ``has_perm``
    is false for inactive accounts and true for active superusers)."""
    return user is not None and user.is_authenticated and user.has_perm(permission)


# Who someone is ---------------------------------------------------------------


def is_programme_manager(user) -> bool:
    """Programme managers (and administrators): dashboards, exports, the
    whole cascade, certificates' revocation, people's data."""
    return _has(user, VIEW_WHOLE_CASCADE)


def is_trainer(user) -> bool:
    """A certified trainer or a master trainer in good standing: may schedule
    and lead cascade sessions (and mark paper tests)."""
    return _has(user, LEAD_SESSION)


def is_master_trainer(user) -> bool:
    """Master trainers validate session reports and observe trainers."""
    return _has(user, VALIDATE_SESSION)


def is_in_trainer_pool(user) -> bool:
    """Anyone with a trainer profile, at any level or status (candidates,
    co-facilitators, suspended trainers included)."""
    return _has(user, IN_TRAINER_POOL)


# The trainers' area -----------------------------------------------------------


def can_see_trainer_directory(user) -> bool:
    return _has(user, VIEW_TRAINER_DIRECTORY)


def can_change_trainer_levels(user) -> bool:
    """Certify, promote, lower, suspend and reinstate trainers."""
    return _has(user, CHANGE_TRAINER_LEVEL)


def can_see_all_sessions(user) -> bool:
    """Every cascade session and its participants (master trainers and
    programme managers)."""
    return _has(user, VIEW_ALL_SESSIONS)


def can_open_trainer_area(user) -> bool:
    """The trainers' area (its session list) opens for the trainer pool and
    for the staff who follow it."""
    return (
        can_see_trainer_directory(user)
        or can_see_all_sessions(user)
        or is_trainer(user)
        or is_in_trainer_pool(user)
    )


# Quizzes ----------------------------------------------------------------------


def can_see_quiz_results(user) -> bool:
    """A quiz's statistics and its pseudonymous result exports."""
    return _has(user, VIEW_QUIZ) or _has(user, CHANGE_QUIZ)


def can_see_quiz_takers(user) -> bool:
    """Who took a quiz (names, e-mails, organisations in result exports):
    personal data, for programme managers only."""
    return is_programme_manager(user)


def can_edit_quizzes(user) -> bool:
    """Quizzes in the Wagtail admin (editors and moderators)."""
    return _has(user, CHANGE_QUIZ)


def can_print_paper(user) -> bool:
    """The printable paper test: quiz readers and editors, and trainers (they
    run the tests where there is no connectivity). Never trainees."""
    return _has(user, VIEW_QUIZ) or _has(user, CHANGE_QUIZ) or is_trainer(user)


def can_print_answer_key(user) -> bool:
    """The answer key of a paper test: quiz editors, and trainers (they mark
    the papers). Not programme managers, who only read quizzes."""
    return can_edit_quizzes(user) or is_trainer(user)


def can_import_questions(user) -> bool:
    return _has(user, ADD_QUESTION)


def can_export_questions(user) -> bool:
    """GIFT/Aiken exports of questions (answer keys included)."""
    return _has(user, VIEW_QUESTION)


# The site -----------------------------------------------------------------------


def can_access_admin(user) -> bool:
    """The Wagtail admin (editors, moderators, programme managers)."""
    return _has(user, ACCESS_ADMIN)


def can_see_dashboard(user) -> bool:
    """The programme's dashboards and exports."""
    return is_programme_manager(user)


PREDICATES = {
    function.__name__: function
    for function in (
        is_programme_manager,
        is_trainer,
        is_master_trainer,
        is_in_trainer_pool,
        can_see_trainer_directory,
        can_change_trainer_levels,
        can_see_all_sessions,
        can_open_trainer_area,
        can_see_quiz_results,
        can_see_quiz_takers,
        can_edit_quizzes,
        can_print_paper,
        can_print_answer_key,
        can_import_questions,
        can_export_questions,
        can_access_admin,
        can_see_dashboard,
    )
}


class UserRoles:
    """One user's predicates, asked lazily and remembered, for templates:
    ``{% if roles.can_see_trainer_directory %}``. An unknown name raises
    ``AttributeError`` (which a template renders as false)."""

    def __init__(self, user, known=None):
        self._user = user
        # Answers already known (cached with the navigation, see
        # kalanso.context_processors): not asked again.
        for name, value in (known or {}).items():
            if name in PREDICATES:
                setattr(self, name, value)

    def __getattr__(self, name):
        try:
            predicate = PREDICATES[name]
        except KeyError:
            raise AttributeError(name) from None
        value = predicate(self._user)
        setattr(self, name, value)
        return value
