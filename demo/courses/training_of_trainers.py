"""Course 2, training of trainers: running a cascade training. Private, on
the trainer track; its validated session in Bamako is where the demo
trainer was trained (see ``demo.cascade``)."""

from ..blocks import case_study, heading, paragraph, reflection, takeaway

# --- Lessons -------------------------------------------------------------------

LESSON_CASCADE = [
    heading("Le principe de la cascade", "How a cascade works"),
    paragraph(
        "<p>Dans une formation en cascade, des maîtres formateurs forment des formatrices et formateurs, qui forment à leur tour des participants dans leurs régions, dans leurs langues. Ce modèle permet d'atteindre des milliers de personnes, y compris là où une connexion Internet est rare. Son risque principal est la perte de qualité d'une génération à l'autre : messages simplifiés, exemples mal choisis, exercices supprimés.</p>"
        "<p>Votre rôle est d'être fidèle à l'essentiel — les notions clés, les principes « Ne pas nuire », les exercices — tout en adaptant les exemples, la langue (bambara, fulfulde, songhaï, tamasheq…) et le rythme à votre public.</p>",
        "<p>In a cascade training, master trainers train trainers, who in turn train participants in their own regions and languages. The model can reach thousands of people, including where internet access is rare. Its main risk is loss of quality from one generation to the next: oversimplified messages, poorly chosen examples, exercises dropped.</p>"
        "<p>Your role is to stay true to the essentials — the key concepts, Do No Harm principles, the exercises — while adapting examples, language (Bambara, Fulfulde, Songhai, Tamasheq…) and pace to your audience.</p>",
    ),
    takeaway(
        "<p>Adapter la forme, garder le fond : les notions clés et les exercices d'analyse ne se négocient pas.</p>",
        "<p>Adapt the form, keep the substance: the key concepts and analysis exercises are not optional.</p>",
    ),
    reflection(
        "Quels exemples de votre propre région utiliseriez-vous pour expliquer les connecteurs et les diviseurs ?",
        "Which examples from your own region would you use to explain connectors and dividers?",
    ),
]

LESSON_SAFE_FACILITATION = [
    heading("Préparer un espace sûr", "Preparing a safe space"),
    paragraph(
        "<p>Une formation sur les conflits réunit parfois des personnes de groupes en tension. Choisissez un lieu perçu comme neutre et accessible, vérifiez la situation sécuritaire avec vos partenaires, et réfléchissez à la composition du groupe. Fixez des règles communes dès l'ouverture : confidentialité, respect, droit de ne pas répondre.</p>"
        "<p>Ne prenez pas de photos sans le consentement explicite des personnes, ne publiez jamais de listes de participants et ne demandez que les informations nécessaires au rapport.</p>",
        "<p>A training on conflict sometimes brings together people from groups in tension. Choose a venue seen as neutral and accessible, check the security situation with your partners, and think about the group's composition. Agree on shared rules at the opening: confidentiality, respect, the right not to answer.</p>"
        "<p>Do not take photos without people's explicit consent, never publish participant lists, and collect only the information the report needs.</p>",
    ),
    case_study(
        "Mopti (exemple fictif)",
        ("Un témoignage inattendu", "An unexpected testimony"),
        (
            "<p>Pendant un exercice sur l'arbre à problèmes, un participant raconte avec émotion l'attaque de son village et accuse une communauté dont un autre participant est issu. Le silence se fait. La formatrice remercie le participant, rappelle la règle de ne pas désigner de groupe entier, propose une pause et parle ensuite séparément aux deux personnes.</p>",
            "<p>During a conflict-tree exercise, a participant describes with emotion the attack on his village and blames a community that another participant belongs to. The room falls silent. The trainer thanks the participant, recalls the rule against blaming whole groups, suggests a break and then talks to each of the two people separately.</p>",
        ),
        [
            (
                "Qu'auriez-vous fait à la place de la formatrice ?",
                "What would you have done in the trainer's place?",
            ),
            (
                "Comment préparer ce type de situation avant la session ?",
                "How can you prepare for this kind of situation before the session?",
            ),
        ],
    ),
    takeaway(
        "<p>La formation doit elle-même respecter le principe « Ne pas nuire » : sécurité, consentement et confidentialité d'abord.</p>",
        "<p>The training itself must follow the Do No Harm principle: safety, consent and confidentiality first.</p>",
    ),
]

LESSON_REPORTING = [
    heading("Rendre compte d'une session", "Reporting on a session"),
    paragraph(
        "<p>Après chaque session, enregistrez la présence, les résultats des tests avant et après la formation, et rédigez un court rapport : ce qui a bien fonctionné, les difficultés, les questions sensibles soulevées (sans nommer personne) et vos propositions. Votre maître formateur valide le rapport ; c'est ce qui permet de délivrer les attestations et de suivre la qualité de la cascade.</p>"
        "<p>Les résultats sont publiés uniquement sous forme de totaux anonymes. Les fiches papier doivent être conservées en lieu sûr, puis détruites une fois saisies.</p>",
        "<p>After each session, record attendance and the pre- and post-training test results, and write a short report: what worked well, the difficulties, the sensitive issues raised (without naming anyone) and your proposals. Your master trainer validates the report; this is what allows certificates to be issued and the quality of the cascade to be monitored.</p>"
        "<p>Results are published only as anonymous totals. Paper forms must be kept somewhere safe and destroyed once entered.</p>",
    ),
    reflection(
        "Quelles informations de votre dernier rapport de formation pourraient mettre quelqu'un en danger si elles étaient divulguées ?",
        "Which information in your last training report could put someone at risk if it were disclosed?",
    ),
]

COURSE = {
    "level": "intermediate",
    "duration_hours": "3.0",
    "is_public": False,
    "is_trainer_track": True,
    "audiences": ["un-staff", "ngo-staff", "community-leaders", "womens-groups"],
    "fr": {
        "title": "Former les formateurs : animer une formation en cascade",
        "slug": "former-les-formateurs-formation-en-cascade",
        "summary": "Préparer, animer et rendre compte d'une session de formation en cascade sur la sensibilité aux conflits, en toute sécurité.",
        "description": "<p>Ce parcours prépare les formatrices et formateurs à transmettre le cours « Sensibilité aux conflits : les fondamentaux » dans leurs régions, en restant fidèles à son contenu et en protégeant les participants.</p>",
        "learning_objectives": "<ul><li>Expliquer le principe et les risques d'une formation en cascade.</li><li>Préparer et animer une session sûre et inclusive.</li><li>Rendre compte d'une session sans exposer les participants.</li></ul>",
    },
    "en": {
        "title": "Training of trainers: running a cascade training",
        "slug": "training-of-trainers-cascade-training",
        "summary": "Prepare, facilitate and report on a cascade training session on conflict sensitivity, safely.",
        "description": '<p>This track prepares trainers to deliver the "Conflict sensitivity fundamentals" course in their regions, staying true to its content and protecting participants.</p>',
        "learning_objectives": "<ul><li>Explain how a cascade training works and its risks.</li><li>Prepare and facilitate a safe and inclusive session.</li><li>Report on a session without exposing participants.</li></ul>",
    },
    "modules": [
        {
            "fr": {
                "title": "Préparer et animer une session",
                "slug": "preparer-et-animer-une-session",
                "summary": "Le principe de la cascade et l'animation d'une session sûre.",
            },
            "en": {
                "title": "Preparing and facilitating a session",
                "slug": "preparing-and-facilitating-a-session",
                "summary": "How a cascade works and how to facilitate a safe session.",
            },
            "lessons": [
                {
                    "key": "tot-cascade-principle",
                    "minutes": 30,
                    "body": LESSON_CASCADE,
                    "fr": {
                        "title": "Le principe de la formation en cascade",
                        "slug": "le-principe-de-la-formation-en-cascade",
                        "summary": "Atteindre beaucoup de personnes sans perdre l'essentiel.",
                    },
                    "en": {
                        "title": "How cascade training works",
                        "slug": "how-cascade-training-works",
                        "summary": "Reaching many people without losing the essentials.",
                    },
                },
                {
                    "key": "tot-safe-facilitation",
                    "minutes": 40,
                    "body": LESSON_SAFE_FACILITATION,
                    "fr": {
                        "title": "Animer en sécurité et sans nuire",
                        "slug": "animer-en-securite-et-sans-nuire",
                        "summary": "Lieu, composition du groupe, règles communes et gestion des moments difficiles.",
                    },
                    "en": {
                        "title": "Facilitating safely and without harm",
                        "slug": "facilitating-safely-and-without-harm",
                        "summary": "Venue, group composition, shared rules and handling difficult moments.",
                    },
                },
            ],
        },
        {
            "fr": {
                "title": "Après la session",
                "slug": "apres-la-session",
                "summary": "Présence, résultats et rapport de session.",
            },
            "en": {
                "title": "After the session",
                "slug": "after-the-session",
                "summary": "Attendance, results and the session report.",
            },
            "lessons": [
                {
                    "key": "tot-reporting",
                    "minutes": 25,
                    "body": LESSON_REPORTING,
                    "fr": {
                        "title": "Rendre compte d'une session",
                        "slug": "rendre-compte-d-une-session",
                        "summary": "Ce qu'il faut enregistrer, ce qu'il ne faut pas divulguer.",
                    },
                    "en": {
                        "title": "Reporting on a session",
                        "slug": "reporting-on-a-session",
                        "summary": "What to record, and what not to disclose.",
                    },
                },
            ],
        },
    ],
}
