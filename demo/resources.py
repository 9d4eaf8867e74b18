"""The demo resource library: local conflict analyses and briefing notes,
each a page with a small text document."""

import datetime

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model

from courses.models import ResourceIndexPage, ResourcePage, Theme
from kalanso.accounts.models import Region

RESOURCE_INDEX = {
    "fr": {
        "title": "Bibliothèque de ressources",
        "slug": "ressources",
        "intro": "<p>Analyses locales de conflit, notes de synthèse et outils pratiques, classés par région et par thème.</p>",
    },
    "en": {
        "title": "Resource library",
        "slug": "resources",
        "intro": "<p>Local conflict analyses, briefing notes and practical tools, by region and theme.</p>",
    },
}

RESOURCES = [
    {
        "region": "ML-5",
        "themes": ["conflict-analysis", "do-no-harm", "resilience"],
        "publisher": "Action pour la paix au Sahel (démo)",
        "published_on": "2024-03-15",
        "document": {
            "title": "Analyse locale des conflits — Mopti (résumé)",
            "filename": "analyse-mopti.txt",
            "content": (
                "ANALYSE LOCALE DES CONFLITS — RÉGION DE MOPTI (RÉSUMÉ)\n"
                "Document de démonstration, contenu fictif et généralisé.\n\n"
                "1. Contexte : delta intérieur du Niger, agriculture, élevage et pêche interdépendants.\n"
                "2. Tensions principales : accès aux bourgoutières, aux pistes de transhumance et aux points d'eau ;\n"
                "   présence de groupes armés ; stigmatisation de communautés entières.\n"
                "3. Facteurs de résilience : conventions locales, marchés hebdomadaires, leaders religieux,\n"
                "   réseaux de femmes médiatrices, cousinage à plaisanterie.\n"
                "4. Recommandations : analyser avant d'agir, associer toutes les communautés aux critères de ciblage,\n"
                "   soutenir les mécanismes locaux de gestion des ressources, suivre les rumeurs.\n\n"
                "LOCAL CONFLICT ANALYSIS — MOPTI REGION (SUMMARY, ENGLISH)\n"
                "Demonstration document, fictional and generalised content.\n"
                "Key tensions: access to pastures, livestock corridors and water; armed groups; stigmatisation.\n"
                "Resilience: local agreements, markets, religious leaders, women mediators' networks.\n"
            ),
        },
        "fr": {
            "title": "Analyse locale des conflits — Mopti (résumé)",
            "slug": "analyse-locale-conflits-mopti",
            "summary": "Résumé d'une analyse participative des dynamiques de conflit et de résilience dans le delta intérieur du Niger : tensions autour des ressources naturelles, acteurs, connecteurs et recommandations pour les programmes.",
            "body": "<p>Cette analyse a été conduite avec des groupes de discussion séparés (femmes, jeunes, éleveurs, agriculteurs, pêcheurs, autorités coutumières) dans plusieurs communes. Elle présente les principales sources de tension, les facteurs de résilience et des recommandations pratiques.</p><p><i>Document de démonstration : contenu fictif et généralisé, aucun lieu ni aucune personne identifiable.</i></p>",
        },
        "en": {
            "title": "Local conflict analysis — Mopti (summary)",
            "slug": "local-conflict-analysis-mopti",
            "summary": "Summary of a participatory analysis of conflict and resilience dynamics in the Inner Niger Delta: tensions over natural resources, actors, connectors and recommendations for programmes.",
            "body": "<p>This analysis was carried out with separate discussion groups (women, youth, herders, farmers, fishers, customary authorities) in several communes. It sets out the main sources of tension, resilience factors and practical recommendations.</p><p><i>Demonstration document: fictional, generalised content, no identifiable place or person.</i></p>",
        },
    },
    {
        "region": "ML-7",
        "themes": ["security", "conflict-analysis"],
        "publisher": "Association Gao Paix et Dialogue (démo)",
        "published_on": "2023-11-02",
        "document": {
            "title": "Patrouilles mixtes et confiance à Gao — note de synthèse",
            "filename": "patrouilles-mixtes-gao.txt",
            "content": (
                "PATROUILLES MIXTES ET CONFIANCE À GAO — NOTE DE SYNTHÈSE\n"
                "Document de démonstration, contenu fictif et généralisé.\n\n"
                "La confiance se construit par le comportement quotidien des patrouilles, l'information du public,\n"
                "des mécanismes de plainte accessibles et la participation des femmes et des jeunes au dialogue.\n\n"
                "MIXED PATROLS AND TRUST IN GAO — BRIEFING NOTE (ENGLISH)\n"
                "Trust is built by patrols' daily conduct, public information, accessible complaint mechanisms\n"
                "and the participation of women and youth in dialogue.\n"
            ),
        },
        "fr": {
            "title": "Patrouilles mixtes et confiance à Gao : enseignements",
            "slug": "patrouilles-mixtes-confiance-gao",
            "summary": "Note de synthèse sur la perception des patrouilles mixtes par les habitants de Gao et sur ce qui renforce ou affaiblit la confiance entre la population et les forces de sécurité.",
            "body": "<p>Fondée sur des entretiens avec des comités de quartier, des associations de femmes et de jeunes et des commerçants, cette note tire des enseignements pour tout dispositif de sécurité qui dépend de la confiance de la population.</p><p><i>Document de démonstration : contenu fictif et généralisé.</i></p>",
        },
        "en": {
            "title": "Mixed patrols and trust in Gao: lessons learned",
            "slug": "mixed-patrols-trust-gao",
            "summary": "Briefing note on how Gao residents perceived the mixed patrols and on what strengthens or weakens trust between the population and security forces.",
            "body": "<p>Based on interviews with neighbourhood committees, women's and youth associations and traders, this note draws lessons for any security arrangement that depends on the population's trust.</p><p><i>Demonstration document: fictional, generalised content.</i></p>",
        },
    },
]


def seed_resources(pages, home) -> None:
    index = pages.ensure(home, ResourceIndexPage, **RESOURCE_INDEX)
    for spec in RESOURCES:
        _seed_resource(pages, index, spec)


def _seed_resource(pages, index, spec) -> None:
    Document = get_document_model()
    doc_spec = spec["document"]
    document = Document.objects.filter(title=doc_spec["title"]).first()
    if document is None:
        data = doc_spec["content"].encode()
        document = Document.objects.create(
            title=doc_spec["title"],
            file=ContentFile(data, name=doc_spec["filename"]),
            file_size=len(data),
        )
        pages.created["documents"] += 1
    common = {
        "document": document,
        "region": Region.objects.get(code=spec["region"]),
        "publisher": spec["publisher"],
        "published_on": datetime.date.fromisoformat(spec["published_on"]),
    }
    themes = list(Theme.objects.filter(code__in=spec["themes"]))
    pages.ensure(
        index, ResourcePage, spec["fr"], spec["en"], common, {"themes": themes}
    )
