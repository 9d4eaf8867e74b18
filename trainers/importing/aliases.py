"""Column titles and cell values as trainers write them, in French or
English: recognised whatever their case, accents and punctuation, and
alongside the template's own titles and the choices' labels in every language
of the site."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from kalanso.accounts.models import Organisation

from ..models import Participant

FIELDS = ["full_name", "sex", "age_band", "organisation_type", "role", "phone"]
LABELS = {
    "full_name": gettext_lazy("Full name"),
    "sex": gettext_lazy("Sex"),
    "age_band": gettext_lazy("Age band"),
    "organisation_type": gettext_lazy("Organisation type"),
    "role": gettext_lazy("Role"),
    "phone": gettext_lazy("Phone"),
}

# Column titles people actually write, normalised (see ``normalise``). The
# template's own titles, in every language of the site, are added to these.
HEADER_ALIASES = {
    "full_name": [
        "name",
        "names",
        "full name",
        "participant",
        "participant name",
        "nom",
        "noms",
        "nom complet",
        "nom et prenom",
        "nom et prenoms",
        "nom prenom",
        "nom prenoms",
        "prenom et nom",
        "prenom nom",
        "prenoms et nom",
        "nom du participant",
        "nom de la participante",
    ],
    "sex": ["sex", "gender", "sexe", "genre"],
    "age_band": [
        "age",
        "age band",
        "age group",
        "age range",
        "tranche d age",
        "tranche age",
        "tranche d ages",
        "classe d age",
        "groupe d age",
    ],
    "organisation_type": [
        "organisation type",
        "organization type",
        "type of organisation",
        "type of organization",
        "organisation",
        "organization",
        "type d organisation",
        "type d organisme",
        "type de structure",
        "type de l organisation",
        "type organisation",
        "structure",
    ],
    "role": [
        "role",
        "function",
        "position",
        "job",
        "job title",
        "title",
        "fonction",
        "poste",
        "titre",
        "qualite",
        "role fonction",
    ],
    "phone": [
        "phone",
        "phone number",
        "telephone",
        "telephone number",
        "tel",
        "mobile",
        "cell",
        "numero",
        "numero de telephone",
        "portable",
        "contact",
    ],
}

VALUE_ALIASES = {
    "sex": {
        "f": ["f", "w", "female", "woman", "women", "femme", "feminin", "fille"],
        "m": ["m", "h", "male", "man", "men", "homme", "masculin", "garcon"],
        "x": [
            "x",
            "prefer not to say",
            "undisclosed",
            "not disclosed",
            "prefere ne pas dire",
            "je prefere ne pas le dire",
            "ne souhaite pas le dire",
            "non communique",
        ],
    },
    "age_band": {
        "u18": ["u18", "<18", "under 18", "moins de 18", "moins de 18 ans", "0 17"],
        "18-24": ["18 24"],
        "25-34": ["25 34"],
        "35-49": ["35 49"],
        "50+": [
            "50+",
            "50 +",
            ">50",
            "50 and over",
            "50 and more",
            "over 50",
            "50 et plus",
            "50 ans et plus",
            "50 ans et +",
            "plus de 50",
            "plus de 50 ans",
        ],
    },
    "organisation_type": {
        "un": [
            "un",
            "onu",
            "un mission",
            "united nations",
            "nations unies",
            "mission de l onu",
            "mission des nations unies",
            "systeme des nations unies",
            "minusma",
        ],
        "ingo": [
            "ingo",
            "international ngo",
            "ong internationale",
            "ong international",
            "ongi",
        ],
        "ngo": [
            "ngo",
            "national ngo",
            "local ngo",
            "ong",
            "ong nationale",
            "ong locale",
        ],
        "gov": [
            "gov",
            "government",
            "security forces",
            "defence forces",
            "gouvernement",
            "etat",
            "administration",
            "fds",
            "forces de defense et de securite",
            "government security and defence forces",
            "gouvernement forces de defense et de securite",
        ],
        "cso": [
            "cso",
            "civil society",
            "community",
            "civil society community",
            "societe civile",
            "communaute",
            "societe civile communaute",
            "osc",
            "association",
        ],
        "donor": [
            "donor",
            "bailleur",
            "bailleur de fonds",
            "bailleurs de fonds",
            "donateur",
            "ptf",
            "partenaire technique et financier",
        ],
        "other": ["other", "autre", "autres"],
    },
}
CHOICES = {
    "sex": Participant.Sex,
    "age_band": Participant.AgeBand,
    "organisation_type": Organisation.Type,
}


def normalise(text) -> str:
    """Lower case, no accents, punctuation as spaces: "Tranche d’âge" →
    "tranche d age". Letters of every script are kept."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("–", "-").replace("—", "-")
    text = re.sub(r"[^\w+<>]+|_", " ", text)
    return " ".join(text.split())


def _site_languages():
    return [code for code, _name in settings.LANGUAGES]


def header_lookup() -> dict[str, str]:
    lookup = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            lookup[normalise(alias)] = name
    for code in _site_languages():
        with translation.override(code):
            for name, label in LABELS.items():
                lookup[normalise(label)] = name
                verbose = Participant._meta.get_field(name).verbose_name
                lookup[normalise(verbose)] = name
    return lookup


def value_lookup(name: str) -> dict[str, str]:
    lookup = {}
    for code, aliases in VALUE_ALIASES[name].items():
        for alias in aliases:
            lookup[normalise(alias)] = code
    for code in _site_languages():
        with translation.override(code):
            for value, label in CHOICES[name].choices:
                lookup[normalise(label)] = value
                lookup[normalise(value)] = value
    return lookup


def match_header(title, lookup: dict[str, str] | None = None) -> str | None:
    """The field a column title stands for, or None. Pass ``lookup`` (from
    ``header_lookup``) when matching many titles: building it renders every
    label in every language of the site."""
    if lookup is None:
        lookup = header_lookup()
    text = str(title or "")
    for candidate in (text, re.sub(r"\(.*?\)|\[.*?\]", " ", text)):
        key = normalise(candidate)
        if key in lookup:
            return lookup[key]
    return None
