"""Site-wide demo data: the home page, the data-protection page,
organisations and one account per role.

Every organisation and person here is fictional; the accounts share a
publicly known password, which is why ``seed_demo`` runs only with DEBUG on.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from courses.factories import user_with_role
from kalanso.accounts.models import Organisation, Region
from kalanso.home.models import SiteSettings, StandardPage

DEMO_PASSWORD = "kalanso-demo"


# --- Organisations (one per Organisation.Type) ------------------------------

ORGANISATIONS = [
    ("Mission des Nations unies (démo)", "un"),
    ("Action pour la paix au Sahel (démo)", "ingo"),
    ("Association Gao Paix et Dialogue (démo)", "ngo"),
    ("Direction régionale de la réconciliation, Mopti (démo)", "gov"),
    ("Réseau des femmes médiatrices de Mopti (démo)", "cso"),
    ("Fonds commun pour la paix au Sahel (démo)", "donor"),
    ("Centre universitaire d'études sur la paix (démo)", "other"),
]


# --- Accounts (one per role) ------------------------------------------------------

ACCOUNTS = [
    {
        "role": "Administrator",
        "group": None,
        "superuser": True,
        "email": "admin@kalanso.test",
        "full_name": "Boubacar Traoré",
        "organisation": "Action pour la paix au Sahel (démo)",
        "region": "ML-BKO",
        "job_title": "Administrateur de la plateforme",
        "preferred_language": "fr",
        "gender": "m",
    },
    {
        "role": "Trainee",
        "group": "Trainee",
        "email": "apprenant@kalanso.test",
        "full_name": "Aminata Maïga",
        "organisation": "Association Gao Paix et Dialogue (démo)",
        "region": "ML-7",
        "job_title": "Animatrice communautaire",
        "preferred_language": "fr",
        "gender": "f",
    },
    {
        "role": "Trainer",
        "group": "Trainer",
        "email": "formateur@kalanso.test",
        "full_name": "Oumar Cissé",
        "organisation": "Action pour la paix au Sahel (démo)",
        "region": "ML-5",
        "job_title": "Chargé de programme cohésion sociale",
        "preferred_language": "fr",
        "gender": "m",
    },
    {
        "role": "Master trainer",
        "group": "Master trainer",
        "email": "maitre-formateur@kalanso.test",
        "full_name": "Fatoumata Coulibaly",
        "organisation": "Mission des Nations unies (démo)",
        "region": "ML-BKO",
        "job_title": "Spécialiste de la formation, affaires civiles",
        "preferred_language": "fr",
        "gender": "f",
    },
    {
        "role": "Editor",
        "group": "Editor",
        "email": "editeur@kalanso.test",
        "full_name": "Moussa Diarra",
        "organisation": "Centre universitaire d'études sur la paix (démo)",
        "region": "ML-BKO",
        "job_title": "Concepteur pédagogique",
        "preferred_language": "fr",
        "gender": "m",
    },
    {
        "role": "Moderator",
        "group": "Moderator",
        "email": "moderateur@kalanso.test",
        "full_name": "Kadiatou Sangaré",
        "organisation": "Direction régionale de la réconciliation, Mopti (démo)",
        "region": "ML-5",
        "job_title": "Responsable de la relecture éditoriale",
        "preferred_language": "fr",
        "gender": "f",
    },
    {
        "role": "Programme manager",
        "group": "Programme manager",
        "email": "gestionnaire@kalanso.test",
        "full_name": "Hawa Dembélé",
        "organisation": "Fonds commun pour la paix au Sahel (démo)",
        "region": "ML-BKO",
        "job_title": "Programme manager",
        "preferred_language": "en",
        "gender": "f",
    },
]


# --- Home page and data-protection page ------------------------------------

HOME = {
    "fr": {
        "tagline": "Former pour agir sans nuire",
        "intro": "<p>Kalanso (« l'école » en bambara, littéralement « la maison de l'étude ») est une plateforme de formation à la sensibilité aux conflits pour les personnes qui travaillent au Mali et au Sahel : personnel des Nations unies et des ONG, agents de l'État et des forces de défense et de sécurité, leaders communautaires, associations de femmes et de jeunes.</p><p>Les cours se suivent en ligne, même avec une connexion faible, puis se prolongent en formations en cascade animées par des formatrices et formateurs certifiés dans les régions.</p>",
    },
    "en": {
        "title": "Kalanso",
        "slug": "home",
        "tagline": "Learning to act without doing harm",
        "intro": '<p>Kalanso ("school" in Bambara, literally "the house of learning") is a conflict-sensitivity training platform for people working in Mali and the Sahel: UN and NGO staff, government officials and defence and security forces, community leaders, women\'s and youth associations.</p><p>Courses are taken online, even on a weak connection, and continue as cascade trainings led by certified trainers in the regions.</p>',
    },
}

PRIVACY_PAGE = {
    "fr": {
        "title": "Protection des données",
        "slug": "protection-des-donnees",
        "body": (
            "<h2>Pourquoi cette page</h2>"
            "<p>Kalanso enregistre des informations sur les personnes qui se forment. Dans un contexte de conflit, ces informations peuvent être sensibles : nous en collectons le moins possible et nous expliquons ici ce que nous en faisons. Le traitement respecte la loi malienne n° 2013-015 du 21 mai 2013 relative à la protection des données à caractère personnel.</p>"
            "<h2>Ce que nous enregistrons</h2>"
            "<ul>"
            "<li><b>Votre compte</b> : nom, adresse e-mail, organisation, fonction, région de travail, langue préférée et, si vous le souhaitez, votre genre.</li>"
            "<li><b>Votre apprentissage</b> : inscriptions, leçons terminées, résultats aux tests, certificats.</li>"
            "<li><b>Vos réflexions personnelles</b> : les notes que vous écrivez dans les leçons.</li>"
            "<li><b>Les sessions en cascade</b> : nom des participantes et participants, présence et résultats, saisis par les formatrices et formateurs.</li>"
            "</ul>"
            "<h2>Pourquoi</h2>"
            "<p>Pour vous permettre de suivre les cours, de reprendre là où vous vous êtes arrêté, de délivrer et vérifier les certificats, et pour que le programme rende compte de ses résultats sous forme de <b>totaux anonymes</b> (par exemple : nombre de personnes formées par région et par genre).</p>"
            "<h2>Qui y a accès</h2>"
            "<ul>"
            "<li>Vous voyez toutes vos données. <b>Vos réflexions personnelles ne sont visibles que par vous.</b></li>"
            "<li>Les formatrices et formateurs voient les participants de leurs propres sessions ; les maîtres formateurs voient les rapports qu'ils valident.</li>"
            "<li>Les gestionnaires du programme voient les données nécessaires au suivi ; chaque consultation ou export de données personnelles est journalisé.</li>"
            "<li>Nous ne vendons ni ne transmettons vos données à des tiers, y compris aux autorités ou aux forces armées, sauf obligation légale dont vous seriez informé.</li>"
            "</ul>"
            "<h2>Combien de temps</h2>"
            "<p>Les données de compte sont conservées tant que le compte est actif. Les résultats nécessaires à la vérification des certificats sont conservés pendant la durée du programme.</p>"
            "<h2>Vos droits : accès, export, rectification, effacement</h2>"
            "<p>Vous pouvez corriger votre profil à tout moment depuis votre compte. Pour obtenir une copie de vos données (export) ou demander leur effacement, écrivez à <b>donnees@kalanso.test</b> depuis l'adresse de votre compte, en précisant votre demande. Nous répondons dans un délai d'un mois. Vous pouvez aussi saisir l'Autorité de protection des données à caractère personnel (APDP) du Mali.</p>"
            "<p><i>Plateforme de démonstration : les adresses ci-dessus sont fictives.</i></p>"
        ),
    },
    "en": {
        "title": "Data protection",
        "slug": "data-protection",
        "body": (
            "<h2>Why this page</h2>"
            "<p>Kalanso records information about the people who train with it. In a conflict setting this information can be sensitive: we collect as little as possible and explain here what we do with it. Processing follows Malian Law No. 2013-015 of 21 May 2013 on the protection of personal data.</p>"
            "<h2>What we store</h2>"
            "<ul>"
            "<li><b>Your account</b>: name, e-mail address, organisation, job title, region of work, preferred language and, if you wish, your gender.</li>"
            "<li><b>Your learning</b>: enrolments, completed lessons, test results, certificates.</li>"
            "<li><b>Your personal reflections</b>: the notes you write in lessons.</li>"
            "<li><b>Cascade sessions</b>: participants' names, attendance and scores, recorded by trainers.</li>"
            "</ul>"
            "<h2>Why</h2>"
            "<p>To let you take courses, pick up where you left off, issue and verify certificates, and so that the programme can report on its results as <b>anonymous totals</b> (for example, the number of people trained by region and gender).</p>"
            "<h2>Who sees it</h2>"
            "<ul>"
            "<li>You see all your data. <b>Your personal reflections are visible to you alone.</b></li>"
            "<li>Trainers see the participants of their own sessions; master trainers see the reports they validate.</li>"
            "<li>Programme managers see what they need for monitoring; every view or export of personal data is logged.</li>"
            "<li>We do not sell or pass your data to third parties, including authorities or armed forces, unless the law requires it, in which case you will be told.</li>"
            "</ul>"
            "<h2>How long</h2>"
            "<p>Account data is kept while the account is active. Results needed to verify certificates are kept for the duration of the programme.</p>"
            "<h2>Your rights: access, export, correction, erasure</h2>"
            "<p>You can correct your profile at any time from your account. To receive a copy of your data (export) or to ask for it to be erased, write to <b>donnees@kalanso.test</b> from your account's address, stating your request. We answer within one month. You may also contact Mali's personal data protection authority (APDP).</p>"
            "<p><i>Demonstration platform: the addresses above are fictional.</i></p>"
        ),
    },
}


# --- Seeding -----------------------------------------------------------------


def account(role: str) -> dict:
    """The demo account of ``role`` (as named in ACCOUNTS)."""
    return next(spec for spec in ACCOUNTS if spec["role"] == role)


def seed_home(pages, home) -> None:
    """The home page's text in French, and its English version."""
    if not home.intro:
        home.tagline = HOME["fr"]["tagline"]
        home.intro = HOME["fr"]["intro"]
        home.save_revision().publish()
        pages.created["home page text"] += 1
    pages.translate(home, HOME["en"])


def seed_privacy_page(pages, home, site) -> None:
    """The data-protection page, named in the site settings (the footer
    links to it) unless another page already is."""
    privacy = pages.ensure(home, StandardPage, **PRIVACY_PAGE)
    site_settings = SiteSettings.for_site(site)
    if site_settings.privacy_page_id is None:
        site_settings.privacy_page = privacy
        site_settings.save()


def seed_organisations(created) -> dict[str, Organisation]:
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisations[name], new = Organisation.objects.get_or_create(
            name=name, defaults={"type": kind}
        )
        if new:
            created["organisations"] += 1
    return organisations


def seed_accounts(created, organisations) -> None:
    """One account per role, with the demo password; existing addresses are
    left alone."""
    User = get_user_model()
    for spec in ACCOUNTS:
        if User.objects.filter(email__iexact=spec["email"]).exists():
            continue
        superuser = spec.get("superuser", False)
        try:
            user_with_role(
                spec["email"],
                spec["group"],
                password=DEMO_PASSWORD,
                full_name=spec["full_name"],
                organisation=organisations[spec["organisation"]],
                region=Region.objects.get(code=spec["region"]),
                job_title=spec["job_title"],
                preferred_language=spec["preferred_language"],
                gender=spec["gender"],
                is_active=True,
                is_staff=superuser,
                is_superuser=superuser,
            )
        except Group.DoesNotExist as exc:
            raise CommandError(
                f"Group {spec['group']!r} is missing: run migrate first."
            ) from exc
        created["accounts"] += 1
