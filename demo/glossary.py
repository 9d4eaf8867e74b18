"""Demo glossary terms, in French and English; lessons refer to them by key
(see ``blocks.glossary``)."""

from courses.models import GlossaryTerm

GLOSSARY = [
    {
        "key": "conflict-sensitivity",
        "fr": {
            "term": "Sensibilité aux conflits",
            "definition": "<p>Capacité d'une organisation à <b>comprendre le contexte</b> dans lequel elle intervient, à comprendre l'<b>interaction</b> entre son intervention et ce contexte, et à <b>agir</b> en conséquence pour éviter les effets négatifs et renforcer les effets positifs.</p>",
        },
        "en": {
            "term": "Conflict sensitivity",
            "definition": "<p>The ability of an organisation to <b>understand the context</b> in which it operates, to understand the <b>interaction</b> between its intervention and that context, and to <b>act</b> on that understanding to avoid negative impacts and strengthen positive ones.</p>",
        },
    },
    {
        "key": "do-no-harm",
        "fr": {
            "term": "Ne pas nuire",
            "definition": "<p>Principe et cadre d'analyse (<i>Do No Harm</i>) selon lesquels toute aide, même bien intentionnée, fait désormais partie du contexte : elle peut aggraver les tensions ou renforcer ce qui rapproche les gens.</p>",
        },
        "en": {
            "term": "Do no harm",
            "definition": "<p>A principle and analysis framework holding that any assistance, however well meant, becomes part of the context: it can worsen tensions or strengthen what brings people together.</p>",
        },
    },
    {
        "key": "connector",
        "fr": {
            "term": "Connecteur",
            "definition": "<p>Ce qui rapproche les personnes par-delà les lignes de conflit : intérêts communs, lieux partagés, valeurs, institutions, expériences ou symboles.</p>",
        },
        "en": {
            "term": "Connector",
            "definition": "<p>Something that brings people together across conflict lines: shared interests, common places, values, institutions, experiences or symbols.</p>",
        },
    },
    {
        "key": "divider",
        "fr": {
            "term": "Diviseur",
            "definition": "<p>Ce qui oppose les personnes ou crée des tensions entre groupes : griefs, injustices, rumeurs, compétition pour les ressources, symboles qui excluent.</p>",
        },
        "en": {
            "term": "Divider",
            "definition": "<p>Something that sets people against each other or creates tension between groups: grievances, injustice, rumours, competition for resources, symbols that exclude.</p>",
        },
    },
    {
        "key": "implicit-ethical-messages",
        "fr": {
            "term": "Messages éthiques implicites",
            "definition": "<p>Ce que la <i>manière</i> d'agir d'une organisation communique, au-delà de ses discours : par exemple, se déplacer sous escorte armée laisse entendre que les armes décident de l'accès aux services.</p>",
        },
        "en": {
            "term": "Implicit ethical messages",
            "definition": "<p>What the <i>way</i> an organisation behaves communicates, beyond what it says: travelling with an armed escort, for example, suggests that weapons decide who gets access to services.</p>",
        },
    },
    {
        "key": "resilience",
        "fr": {
            "term": "Résilience",
            "definition": "<p>Capacité des personnes, des communautés et des institutions à absorber les chocs, à s'adapter et à se transformer sans recourir à la violence.</p>",
        },
        "en": {
            "term": "Resilience",
            "definition": "<p>The capacity of people, communities and institutions to absorb shocks, adapt and transform without turning to violence.</p>",
        },
    },
]


def seed_glossary(pages) -> dict[str, dict[str, int]]:
    """The terms in both languages; returns {language: {key: term id}}."""
    ids = {"fr": {}, "en": {}}
    for spec in GLOSSARY:
        term = GlossaryTerm.objects.filter(
            locale=pages.fr, term=spec["fr"]["term"]
        ).first()
        if term is None:
            term = GlossaryTerm.objects.create(locale=pages.fr, **spec["fr"])
            pages.created["glossary terms"] += 1
        translation = term.get_translation_or_none(pages.en)
        if translation is None:
            translation = term.copy_for_translation(pages.en)
            for name, value in spec["en"].items():
                setattr(translation, name, value)
            translation.save()
            pages.created["glossary terms"] += 1
        ids["fr"][spec["key"]] = term.pk
        ids["en"][spec["key"]] = translation.pk
    return ids
