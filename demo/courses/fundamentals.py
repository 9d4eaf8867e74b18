"""Course 1, conflict-sensitivity fundamentals: public, for every audience,
in three modules; a pre-test and a post-test (parallel forms A and B) and a
knowledge check in the connectors-and-dividers lesson.

Every place and person here is fictional or generic; no real person, victim
or community is singled out.
"""

import uuid
from decimal import Decimal

from assessments import factories as quiz_factories
from assessments.models import Quiz
from courses.models import CoursePage, LessonPage

from ..blocks import (
    BLOCK_NAMESPACE,
    case_study,
    glossary,
    heading,
    paragraph,
    reflection,
    sorting,
    statement,
    takeaway,
)

# --- Lessons -------------------------------------------------------------------

LESSON_WHAT_IS_CS = [
    heading(
        "Une aide qui fait partie du contexte",
        "Assistance that becomes part of the context",
    ),
    paragraph(
        "<p>Aucune intervention n'est neutre. Dès qu'une organisation recrute du personnel, loue un véhicule, choisit un village plutôt qu'un autre ou distribue des biens, elle modifie les équilibres locaux : qui gagne de l'argent, qui est écouté, qui se sent oublié. Dans une région où la méfiance entre groupes est forte, ces choix peuvent apaiser les tensions ou les attiser, souvent sans que l'organisation s'en rende compte.</p>"
        "<p>La <b>sensibilité aux conflits</b> est la démarche qui consiste à prendre ces effets au sérieux. Elle concerne tous les secteurs — santé, éducation, sécurité alimentaire, gouvernance, sécurité — et pas seulement les projets de « consolidation de la paix ».</p>",
        "<p>No intervention is neutral. As soon as an organisation hires staff, rents a vehicle, chooses one village over another or distributes goods, it shifts local balances: who earns money, who is listened to, who feels forgotten. In a region where mistrust between groups runs high, these choices can ease tensions or inflame them, often without the organisation noticing.</p>"
        '<p><b>Conflict sensitivity</b> means taking these effects seriously. It applies to every sector — health, education, food security, governance, security — not only to "peacebuilding" projects.</p>',
    ),
    glossary("conflict-sensitivity"),
    heading("Trois questions à se poser", "Three questions to ask"),
    paragraph(
        "<p>La démarche tient en trois étapes, que l'on reprend tout au long d'un programme :</p>"
        "<ol><li><b>Comprendre le contexte</b> : quels sont les acteurs, les causes des tensions, les dynamiques en cours et ce qui relie les gens ?</li>"
        "<li><b>Comprendre l'interaction</b> entre l'intervention et ce contexte : qu'est-ce que nos activités, nos ressources et notre comportement changent ?</li>"
        "<li><b>Agir</b> sur cette compréhension : modifier ce qui nuit, renforcer ce qui rapproche, et vérifier régulièrement.</li></ol>",
        "<p>The approach comes down to three steps, revisited throughout a programme:</p>"
        "<ol><li><b>Understand the context</b>: who are the actors, what causes tension, what dynamics are under way and what links people together?</li>"
        "<li><b>Understand the interaction</b> between the intervention and that context: what do our activities, resources and behaviour change?</li>"
        "<li><b>Act</b> on that understanding: change what does harm, strengthen what brings people together, and check again regularly.</li></ol>",
    ),
    glossary("do-no-harm"),
    paragraph(
        "<p>Le cadre « Ne pas nuire », issu de l'expérience de nombreuses organisations humanitaires dans les années 1990, rappelle que l'aide transfère des ressources (qui deviennent un enjeu) et envoie des messages par la manière dont elle est conduite. Ce cours s'en inspire, en l'appliquant aux réalités du centre et du nord du Mali.</p>",
        '<p>The "Do No Harm" framework, drawn from the experience of many humanitarian organisations in the 1990s, reminds us that assistance transfers resources (which become something to compete over) and sends messages through the way it is delivered. This course builds on it and applies it to the realities of central and northern Mali.</p>',
    ),
    takeaway(
        "<p>La question n'est pas de savoir <b>si</b> notre intervention a un effet sur le conflit, mais <b>lequel</b> — et ce que nous faisons pour le connaître et l'orienter.</p>",
        "<p>The question is not <b>whether</b> our intervention affects the conflict, but <b>how</b> — and what we do to find out and steer it.</p>",
    ),
    reflection(
        "Pensez à une activité que votre organisation a menée récemment. Qui en a bénéficié, qui n'en a pas bénéficié, et comment cela a-t-il pu être perçu localement ?",
        "Think of an activity your organisation carried out recently. Who benefited, who did not, and how might that have been perceived locally?",
    ),
]

LESSON_MOPTI = [
    heading("Un espace partagé sous pression", "A shared space under pressure"),
    paragraph(
        "<p>Dans la région de Mopti, le delta intérieur du Niger fait vivre ensemble agriculteurs, éleveurs et pêcheurs. Leurs activités sont complémentaires : les troupeaux fument les champs après la récolte, le poisson et le lait s'échangent contre le mil et le riz sur les marchés hebdomadaires. Le calendrier de la crue organise tout : quand les eaux baissent, les troupeaux reviennent vers les bourgoutières, ces pâturages inondés dont l'accès est réglé depuis longtemps par des gestionnaires coutumiers.</p>"
        "<p>Ces arrangements sont aujourd'hui sous pression : croissance démographique, sécheresses et irrégularité des crues, extension des champs sur les pistes de transhumance, remise en cause des autorités coutumières. Depuis le milieu des années 2010, la présence de groupes armés et la multiplication de groupes d'autodéfense ont transformé des différends locaux en cycles de violences et de représailles.</p>",
        "<p>In the Mopti region, the Inner Niger Delta supports farmers, herders and fishers side by side. Their livelihoods are complementary: herds manure the fields after harvest, and fish and milk are traded for millet and rice at weekly markets. The flood calendar organises everything: when the waters recede, herds return to the <i>bourgou</i> pastures, flooded grasslands whose use has long been governed by customary managers.</p>"
        "<p>These arrangements are now under strain: population growth, droughts and irregular floods, fields spreading onto livestock corridors, customary authorities being challenged. Since the mid-2010s, the presence of armed groups and the spread of self-defence groups have turned local disputes into cycles of violence and reprisals.</p>",
    ),
    heading(
        "Éviter les lectures simplistes", "Avoiding simplistic readings", level="h3"
    ),
    paragraph(
        "<p>Il est tentant de résumer la situation à un conflit « entre ethnies » ou « entre éleveurs et agriculteurs ». Cette lecture est dangereuse : elle rend des communautés entières responsables des actes de quelques-uns, alimente la stigmatisation et peut orienter l'aide de manière injuste. Beaucoup d'éleveurs cultivent, beaucoup d'agriculteurs possèdent du bétail, et les lignes de tension traversent aussi les familles et les générations.</p>",
        '<p>It is tempting to sum the situation up as an "ethnic" conflict or a conflict "between herders and farmers". That reading is dangerous: it holds whole communities responsible for the acts of a few, feeds stigmatisation and can steer assistance unfairly. Many herders farm, many farmers own livestock, and lines of tension also run through families and generations.</p>',
    ),
    glossary("resilience"),
    paragraph(
        "<p>Malgré la violence, de nombreuses capacités de résilience subsistent : des conventions locales qui fixent les dates de passage des troupeaux, des comités de gestion mixtes, des marchés qui restent ouverts à tous, des leaders religieux et des réseaux de femmes qui maintiennent le dialogue, le cousinage à plaisanterie qui permet de désamorcer les tensions. Ces dernières années, des accords locaux ont été négociés dans plusieurs cercles : certains ont tenu, d'autres ont été rompus, mais tous montrent que les communautés cherchent leurs propres solutions.</p>",
        "<p>Despite the violence, many capacities for resilience remain: local agreements that set the dates when herds may pass, mixed management committees, markets that stay open to all, religious leaders and women's networks that keep dialogue going, and joking kinship that defuses tension. In recent years, local agreements have been negotiated in several districts: some have held, others have broken down, but all show that communities are looking for their own solutions.</p>",
    ),
    case_study(
        "Cercle de Ténenkou (exemple fictif)",
        (
            "Un forage sur la piste des troupeaux",
            "A borehole on the livestock corridor",
        ),
        (
            "<p>Une ONG finance un forage pour un village agricole. Le site retenu, proposé par le chef de village, se trouve à proximité d'une piste de transhumance. À la saison suivante, des champs maraîchers s'installent autour du forage et la piste se rétrécit. Au retour des troupeaux, des animaux entrent dans les jardins ; une dispute éclate, puis des menaces circulent entre les deux camps.</p>"
            "<p>Un comité réunissant les gestionnaires coutumiers des pâturages, des représentants des éleveurs, des agricultrices et le maire finit par négocier le balisage d'un couloir de passage et un abreuvoir réservé aux troupeaux.</p>",
            "<p>An NGO funds a borehole for a farming village. The site, proposed by the village chief, lies close to a livestock corridor. The following season, market gardens spring up around the borehole and the corridor narrows. When the herds return, animals stray into the gardens; a quarrel breaks out, then threats circulate between the two sides.</p>"
            "<p>A committee bringing together the customary pasture managers, herders' representatives, women farmers and the mayor eventually negotiates a marked passage corridor and a watering point reserved for livestock.</p>",
        ),
        [
            (
                "Quelles informations auraient permis d'anticiper le problème ?",
                "What information would have made it possible to foresee the problem?",
            ),
            (
                "Qui aurait dû être consulté sur le choix du site, et comment ?",
                "Who should have been consulted on the choice of site, and how?",
            ),
            (
                "Quels connecteurs le comité a-t-il mobilisés ?",
                "Which connectors did the committee draw on?",
            ),
        ],
    ),
    sorting(
        "conflict_tree",
        (
            "<p>Construisez l'<b>arbre à problèmes</b> des violences liées aux ressources dans le centre du pays : classez chaque affirmation parmi les <b>racines</b> (causes profondes), le <b>tronc</b> (problème central) ou les <b>branches</b> (effets).</p>",
            "<p>Build the <b>conflict tree</b> of resource-related violence in central Mali: sort each statement into the <b>roots</b> (underlying causes), the <b>trunk</b> (core problem) or the <b>branches</b> (effects).</p>",
        ),
        [
            statement(
                "root_cause",
                (
                    "Un accès inégal aux terres, aux pâturages et aux points d'eau, aggravé par la croissance démographique et les sécheresses.",
                    "Unequal access to land, pasture and water, made worse by population growth and droughts.",
                ),
                (
                    "C'est une cause structurelle, présente bien avant les violences actuelles.",
                    "This is a structural cause, present long before the current violence.",
                ),
            ),
            statement(
                "root_cause",
                (
                    "Une justice peu présente et souvent perçue comme partiale ou coûteuse.",
                    "A justice system that is rarely present and often seen as biased or costly.",
                ),
                (
                    "Quand les litiges ne trouvent pas de réponse juste, certains se font justice eux-mêmes : c'est une cause profonde.",
                    "When disputes find no fair answer, some people take justice into their own hands: this is an underlying cause.",
                ),
            ),
            statement(
                "root_cause",
                (
                    "L'affaiblissement des règles coutumières de gestion des ressources.",
                    "The weakening of customary rules for managing resources.",
                ),
                (
                    "Ces règles organisaient le partage ; leur affaiblissement laisse un vide que la force peut remplir.",
                    "These rules organised sharing; their weakening leaves a gap that force can fill.",
                ),
            ),
            statement(
                "core_problem",
                (
                    "Des cycles de violences et de représailles entre groupes armés communautaires autour de l'accès aux ressources et de la protection.",
                    "Cycles of violence and reprisals between community-based armed groups over access to resources and protection.",
                ),
                (
                    "C'est le problème central : il découle des racines et produit les effets.",
                    "This is the core problem: it grows from the roots and produces the effects.",
                ),
            ),
            statement(
                "effect",
                (
                    "Le déplacement de nombreuses familles vers les villes et les sites de déplacés.",
                    "Many families being displaced to towns and displacement sites.",
                ),
                (
                    "Le déplacement est une conséquence de la violence (qui peut à son tour créer de nouvelles tensions).",
                    "Displacement is a consequence of the violence (which can in turn create new tensions).",
                ),
            ),
            statement(
                "effect",
                (
                    "La fermeture d'écoles et de centres de santé.",
                    "Schools and health centres closing.",
                ),
                (
                    "Un effet direct de l'insécurité sur les services de base.",
                    "A direct effect of insecurity on basic services.",
                ),
            ),
            statement(
                "effect",
                (
                    "La stigmatisation de communautés entières, accusées de complicité avec les groupes armés.",
                    "Whole communities being stigmatised and accused of complicity with armed groups.",
                ),
                (
                    "C'est d'abord un effet, mais il nourrit les racines : les effets deviennent souvent des causes de la violence suivante.",
                    "It is first an effect, but it feeds the roots: effects often become causes of the next round of violence.",
                ),
            ),
            statement(
                "effect",
                (
                    "L'abandon de champs et de pâturages, qui aggrave l'insécurité alimentaire.",
                    "Fields and pastures being abandoned, worsening food insecurity.",
                ),
                (
                    "Une conséquence économique de la violence, qui accroît la compétition pour ce qui reste.",
                    "An economic consequence of violence, which increases competition for what is left.",
                ),
            ),
        ],
    ),
    takeaway(
        "<p>Analyser un conflit, c'est regarder à la fois ce qui divise et ce qui tient encore : les capacités locales de résilience sont le point d'appui de toute intervention.</p>",
        "<p>Analysing a conflict means looking both at what divides and at what still holds: local capacities for resilience are the foundation of any intervention.</p>",
    ),
]

LESSON_GAO = [
    heading(
        "Gao, carrefour du fleuve et du désert", "Gao, where the river meets the desert"
    ),
    paragraph(
        "<p>Ville-carrefour sur le fleuve Niger, Gao vit du commerce entre le nord, le centre du pays et les pays voisins. Songhaï, Tamasheq, Arabes, Peuls et d'autres y cohabitent depuis des siècles, liés par le commerce, les mariages et la religion. La ville a connu l'occupation par des groupes armés en 2012, puis le retour progressif de l'État, sans que l'insécurité disparaisse des zones rurales environnantes.</p>"
        "<p>Aujourd'hui, la ville accueille des familles déplacées venues des cercles et des régions voisines, ce qui pèse sur le logement, l'eau et les services. Le foncier urbain est devenu un enjeu important, tout comme l'accès à l'emploi pour une population très jeune.</p>",
        "<p>A crossroads town on the Niger River, Gao lives from trade between the north, the centre of the country and neighbouring states. Songhai, Tamasheq, Arab, Fulani and other communities have lived side by side there for centuries, linked by trade, marriage and religion. The town was occupied by armed groups in 2012, then saw the gradual return of the State, while insecurity persisted in the surrounding rural areas.</p>"
        "<p>Today the town hosts displaced families from neighbouring districts and regions, which puts pressure on housing, water and services. Urban land has become a major stake, as has access to jobs for a very young population.</p>",
    ),
    heading("Des sources de tension", "Sources of tension", level="h3"),
    paragraph(
        "<ul><li>La compétition pour les emplois, les marchés publics et l'aide, perçue comme captée par certains réseaux.</li>"
        "<li>Les frustrations autour des processus de désarmement et d'intégration, que certains jeunes ont vécus comme une récompense accordée à ceux qui avaient pris les armes.</li>"
        "<li>La méfiance envers certaines forces de sécurité, nourrie par des abus passés ou des rumeurs.</li>"
        "<li>Les rumeurs qui circulent vite sur les réseaux sociaux et désignent des communautés entières.</li></ul>",
        "<ul><li>Competition for jobs, public contracts and aid, seen as captured by certain networks.</li>"
        "<li>Frustration with disarmament and integration processes, which some young people experienced as a reward for those who had taken up arms.</li>"
        "<li>Mistrust of some security forces, fuelled by past abuses or by rumours.</li>"
        "<li>Rumours spreading fast on social media and blaming whole communities.</li></ul>",
    ),
    heading("Des facteurs de résilience", "Resilience factors", level="h3"),
    paragraph(
        "<p>Gao dispose aussi de ressources précieuses pour la paix : des associations de jeunes qui se sont organisées pendant l'occupation pour protéger leurs quartiers, des associations de femmes actives dans la médiation, des radios communautaires écoutées par tous, des commerçants qui ont intérêt à la circulation des personnes et des biens, et des autorités coutumières et religieuses respectées.</p>",
        "<p>Gao also has valuable resources for peace: youth associations that organised to protect their neighbourhoods during the occupation, women's associations active in mediation, community radio stations that everyone listens to, traders with an interest in people and goods moving freely, and respected customary and religious authorities.</p>",
    ),
    case_study(
        "Gao",
        ("Une rumeur au marché", "A rumour at the market"),
        (
            "<p>Après le vol de plusieurs motos, un message vocal circule : il accuse les jeunes d'un quartier habité majoritairement par une communauté. Des commerçants refusent de servir certains clients et un groupe se rassemble devant un domicile. Une animatrice de radio communautaire invite en direct le chef de quartier, un imam et la présidente d'une association de femmes ; ils rappellent que les enquêtes sont en cours et appellent à ne pas désigner une communauté entière. La tension retombe dans la soirée.</p>",
            "<p>After several motorbikes are stolen, a voice message circulates accusing young people from a neighbourhood where one community is in the majority. Some traders refuse to serve certain customers and a group gathers outside a house. A community radio host invites the neighbourhood chief, an imam and the president of a women's association on air; they point out that investigations are under way and urge people not to blame a whole community. The tension subsides that evening.</p>",
        ),
        [
            (
                "Quels connecteurs ont permis d'éviter l'escalade ?",
                "Which connectors helped prevent escalation?",
            ),
            (
                "Comment votre organisation pourrait-elle soutenir ces connecteurs sans les instrumentaliser ?",
                "How could your organisation support these connectors without co-opting them?",
            ),
        ],
    ),
    takeaway(
        "<p>Dans un même contexte, les mêmes acteurs peuvent être des diviseurs ou des connecteurs selon les moments : l'analyse doit être mise à jour régulièrement.</p>",
        "<p>In the same context, the same actors can be dividers or connectors at different moments: the analysis must be updated regularly.</p>",
    ),
    reflection(
        "Quelles sont, dans votre zone de travail, les trois sources de tension et les trois facteurs de résilience les plus importants aujourd'hui ?",
        "In your area of work, what are the three most important sources of tension and the three most important resilience factors today?",
    ),
]

LESSON_CONNECTORS = [
    heading("Ce qui divise, ce qui rapproche", "What divides, what connects"),
    paragraph(
        "<p>Même au cœur d'un conflit violent, les gens continuent de partager des choses : un marché, un puits, une école, une fête, des liens familiaux. Le cadre « Ne pas nuire » appelle ces éléments des <b>connecteurs</b>. À l'inverse, les <b>diviseurs</b> sont ce qui oppose les groupes ou alimente la tension.</p>"
        "<p>On les repère dans cinq domaines : les systèmes et institutions (marchés, comités, services) ; les attitudes et comportements ; les valeurs et intérêts ; les expériences (une sécheresse, un deuil collectif) ; les symboles et occasions (fêtes, lieux de mémoire, radios).</p>",
        "<p>Even in the middle of a violent conflict, people go on sharing things: a market, a well, a school, a festival, family ties. The Do No Harm framework calls these <b>connectors</b>. <b>Dividers</b>, by contrast, are what sets groups against each other or fuels tension.</p>"
        "<p>They can be found in five areas: systems and institutions (markets, committees, services); attitudes and actions; values and interests; experiences (a drought, a shared loss); symbols and occasions (festivals, places of memory, radio stations).</p>",
    ),
    glossary("connector"),
    glossary("divider"),
    paragraph(
        "<p>Une intervention renforce ou affaiblit ces éléments, qu'elle le veuille ou non. Un programme qui soutient un comité de gestion de l'eau où siègent tous les usagers renforce un connecteur ; un programme qui recrute tout son personnel dans une seule communauté peut devenir lui-même un diviseur.</p>",
        "<p>An intervention strengthens or weakens these elements, whether it intends to or not. A programme that supports a water management committee on which all users sit strengthens a connector; a programme that hires all its staff from a single community can itself become a divider.</p>",
    ),
    sorting(
        "connectors_dividers",
        (
            "<p>Pour chaque situation observée dans la région de Mopti ou de Gao, indiquez s'il s'agit plutôt d'un <b>connecteur</b> ou d'un <b>diviseur</b>.</p>",
            "<p>For each situation observed in the Mopti or Gao region, say whether it is mainly a <b>connector</b> or a <b>divider</b>.</p>",
        ),
        [
            statement(
                "connector",
                (
                    "Le marché hebdomadaire où éleveurs, agriculteurs et pêcheurs échangent leurs produits.",
                    "The weekly market where herders, farmers and fishers trade their produce.",
                ),
                (
                    "Un intérêt économique commun et des rencontres régulières : un connecteur classique.",
                    "A shared economic interest and regular contact: a classic connector.",
                ),
            ),
            statement(
                "divider",
                (
                    "Des messages sur les réseaux sociaux qui accusent toute une communauté de soutenir les groupes armés.",
                    "Social media messages accusing a whole community of supporting armed groups.",
                ),
                (
                    "La stigmatisation collective alimente la peur et justifie les représailles.",
                    "Collective stigmatisation feeds fear and is used to justify reprisals.",
                ),
            ),
            statement(
                "connector",
                (
                    "Le cousinage à plaisanterie entre familles et communautés.",
                    "Joking kinship between families and communities.",
                ),
                (
                    "Une pratique sociale qui autorise l'humour et la réconciliation entre groupes.",
                    "A social practice that allows humour and reconciliation between groups.",
                ),
            ),
            statement(
                "divider",
                (
                    "Une distribution d'aide qui ne cible qu'un seul quartier sans expliquer ses critères.",
                    "An aid distribution that targets a single neighbourhood without explaining its criteria.",
                ),
                (
                    "Des critères opaques sont perçus comme du favoritisme et créent de la jalousie.",
                    "Unexplained criteria are seen as favouritism and breed resentment.",
                ),
            ),
            statement(
                "connector",
                (
                    "Un comité de gestion de l'eau où siègent des éleveurs, des agriculteurs et des femmes.",
                    "A water management committee on which herders, farmers and women sit.",
                ),
                (
                    "Une institution partagée où les désaccords se règlent par la discussion.",
                    "A shared institution where disagreements are settled by discussion.",
                ),
            ),
            statement(
                "divider",
                (
                    "L'installation de nouveaux champs sur une piste de transhumance.",
                    "New fields being laid out across a livestock corridor.",
                ),
                (
                    "Elle bloque le passage des troupeaux et prépare des conflits au retour de la saison.",
                    "It blocks the herds' way and sets the scene for clashes when the season turns.",
                ),
            ),
            statement(
                "connector",
                (
                    "Des leaders religieux de différentes communautés qui prêchent ensemble pour la paix lors d'une fête.",
                    "Religious leaders from different communities preaching together for peace at a festival.",
                ),
                (
                    "Des valeurs et un symbole partagés, portés par des personnes respectées.",
                    "Shared values and a shared symbol, carried by respected people.",
                ),
            ),
            statement(
                "divider",
                (
                    "Un recrutement de personnel local fait uniquement par le bouche-à-oreille d'un notable.",
                    "Local staff recruited only by word of mouth through one local notable.",
                ),
                (
                    "Les emplois deviennent une ressource captée par un réseau, au détriment des autres.",
                    "Jobs become a resource captured by one network, at others' expense.",
                ),
            ),
            statement(
                "connector",
                (
                    "Une radio communautaire qui diffuse des émissions dans plusieurs langues locales.",
                    "A community radio broadcasting in several local languages.",
                ),
                (
                    "Un espace d'information commun, accessible à tous les groupes.",
                    "A shared source of information, open to all groups.",
                ),
            ),
        ],
    ),
    takeaway(
        "<p>Identifier les connecteurs ne suffit pas : il faut vérifier que notre intervention les <b>renforce</b> et ne crée pas de nouveaux diviseurs.</p>",
        "<p>Identifying connectors is not enough: we must check that our intervention <b>strengthens</b> them and creates no new dividers.</p>",
    ),
]

LESSON_MESSAGES = [
    heading("Ce que nous transférons", "What we transfer"),
    paragraph(
        "<p>L'aide apporte des ressources — vivres, argent, emplois, véhicules, formations — dans des lieux où elles sont rares. Ces ressources peuvent être volées ou détournées, renforcer le pouvoir de ceux qui contrôlent leur distribution, faire baisser les prix des producteurs locaux ou créer de la jalousie entre bénéficiaires et non-bénéficiaires. La manière de cibler est donc aussi importante que la quantité distribuée.</p>",
        "<p>Assistance brings resources — food, cash, jobs, vehicles, training — to places where they are scarce. Those resources can be stolen or diverted, strengthen the hand of whoever controls distribution, push down local producers' prices or create jealousy between those who receive and those who do not. How we target matters as much as how much we distribute.</p>",
    ),
    heading(
        "Ce que nous communiquons sans le dire", "What we communicate without saying it"
    ),
    glossary("implicit-ethical-messages"),
    paragraph(
        "<p>Nos comportements transmettent aussi des messages. Travailler uniquement avec les autorités d'un camp, se déplacer sous escorte armée, afficher des logos sur des biens dans une zone où l'organisation est perçue comme partiale, ou traiter différemment le personnel national et international : autant de signaux que les communautés interprètent. Le respect, la transparence et la cohérence entre ce que nous disons et ce que nous faisons sont des connecteurs puissants.</p>",
        "<p>Our behaviour sends messages too. Working only with one side's authorities, travelling with an armed escort, displaying logos on goods where the organisation is seen as partial, or treating national and international staff differently: communities read all these signals. Respect, transparency and consistency between what we say and what we do are powerful connectors.</p>",
    ),
    case_study(
        "Commune de la région de Mopti (exemple fictif)",
        ("Les familles d'accueil oubliées", "The forgotten host families"),
        (
            "<p>Après une vague de déplacements, une distribution de vivres cible les familles déplacées enregistrées sur un site. Or, la majorité des déplacés vivent en réalité chez des proches, dans des familles d'accueil qui partagent leurs réserves depuis des mois. Ces familles, non enregistrées, ne reçoivent rien. Des reproches apparaissent entre hôtes et déplacés, et certains déplacés quittent leurs hôtes pour s'installer sur le site afin d'être comptés.</p>"
            "<p>Après des discussions avec un comité mixte, l'organisation élargit ses critères aux familles d'accueil les plus vulnérables, explique publiquement les critères lors d'assemblées et met en place un numéro de téléphone pour les plaintes.</p>",
            "<p>After a wave of displacement, a food distribution targets the displaced families registered at a site. Yet most displaced people actually live with relatives, in host families who have been sharing their stocks for months. These unregistered families receive nothing. Resentment grows between hosts and displaced people, and some displaced families leave their hosts to settle on the site so as to be counted.</p>"
            "<p>After discussions with a mixed committee, the organisation extends its criteria to the most vulnerable host families, explains the criteria publicly at community meetings and sets up a telephone line for complaints.</p>",
        ),
        [
            (
                "Quel message implicite la première distribution envoyait-elle ?",
                "What implicit message did the first distribution send?",
            ),
            (
                "Quels risques la nouvelle approche comporte-t-elle encore ?",
                "What risks does the new approach still carry?",
            ),
            (
                "Comment auriez-vous associé les familles d'accueil dès le départ ?",
                "How would you have involved host families from the start?",
            ),
        ],
    ),
    takeaway(
        "<p>Chaque choix de ciblage, de recrutement, de partenaire ou de sécurité est aussi un choix politique aux yeux des communautés : expliquez-le, discutez-le, vérifiez ses effets.</p>",
        "<p>Every choice about targeting, hiring, partners or security is also a political choice in the eyes of communities: explain it, discuss it, check its effects.</p>",
    ),
    reflection(
        "Quel message implicite votre organisation envoie-t-elle, peut-être sans le vouloir, dans votre zone de travail ? Que pourriez-vous changer ?",
        "What implicit message might your organisation be sending, perhaps unintentionally, in your area of work? What could you change?",
    ),
]

LESSON_PATROLS = [
    heading(
        "La confiance, condition de la sécurité", "Trust as a condition for security"
    ),
    paragraph(
        "<p>La sécurité ne dépend pas seulement du nombre d'hommes en armes : elle dépend de la confiance entre la population et ceux qui sont chargés de la protéger. Là où cette confiance manque, les habitants ne signalent pas les menaces, évitent les postes de contrôle, et certains cherchent la protection d'autres groupes armés.</p>",
        "<p>Security does not depend only on the number of people under arms: it depends on trust between the population and those responsible for protecting it. Where that trust is missing, residents do not report threats, avoid checkpoints, and some seek protection from other armed groups.</p>",
    ),
    heading(
        "L'expérience des patrouilles mixtes à Gao",
        "The mixed patrols in Gao",
        level="h3",
    ),
    paragraph(
        "<p>L'Accord pour la paix et la réconciliation au Mali, signé en 2015, prévoyait un Mécanisme opérationnel de coordination (MOC) chargé notamment d'organiser des patrouilles mixtes réunissant des éléments des forces armées maliennes et des mouvements signataires. Gao a accueilli la première de ces unités. En janvier 2017, un attentat contre le camp du MOC à Gao a fait plusieurs dizaines de morts, rappelant la fragilité du dispositif. Les autorités de transition ont mis fin à l'Accord en janvier 2024.</p>"
        "<p>Au-delà de son histoire politique, cette expérience reste instructive : pour de nombreux habitants, la présence de patrouilles composées d'anciens adversaires était à la fois un signe d'espoir et une source d'inquiétude. Leur acceptation dépendait moins des textes que du comportement quotidien des patrouilles : respect aux postes de contrôle, absence de racket, capacité à intervenir de manière impartiale, information du public sur leur rôle.</p>",
        "<p>The Agreement for Peace and Reconciliation in Mali, signed in 2015, provided for an Operational Coordination Mechanism (MOC) tasked in particular with organising mixed patrols bringing together members of the Malian armed forces and of the signatory movements. Gao hosted the first of these units. In January 2017, an attack on the MOC camp in Gao killed dozens of people, a reminder of how fragile the arrangement was. The transitional authorities ended the Agreement in January 2024.</p>"
        "<p>Beyond its political history, the experience remains instructive: for many residents, patrols made up of former adversaries were both a sign of hope and a source of worry. Their acceptance depended less on texts than on the patrols' daily behaviour: respect at checkpoints, no extortion, the ability to act impartially, and public information about their role.</p>",
    ),
    case_study(
        "Gao (exemple fictif)",
        ("Un cadre de concertation de quartier", "A neighbourhood dialogue forum"),
        (
            "<p>Après plusieurs incidents à un poste de contrôle, une association de femmes et des responsables de jeunes d'un quartier demandent une rencontre avec le commandement local. Une organisation de la société civile facilite une première réunion dans un lieu neutre. Il est convenu de réunions mensuelles, d'un numéro joignable en cas d'incident et d'une émission de radio où les questions des habitants sont posées aux responsables de la sécurité.</p>"
            "<p>Au bout de quelques mois, les habitants signalent davantage d'engins suspects ; mais les jeunes d'un quartier voisin, non associés, dénoncent un cadre « réservé à certains ».</p>",
            "<p>After several incidents at a checkpoint, a women's association and youth leaders from one neighbourhood ask to meet the local command. A civil society organisation facilitates a first meeting at a neutral venue. They agree on monthly meetings, a number to call in case of incidents and a radio programme where residents' questions are put to security officials.</p>"
            '<p>A few months later, residents are reporting more suspicious devices; but young people from a neighbouring area, who were not involved, denounce a forum "reserved for some".</p>',
        ),
        [
            (
                "Qu'est-ce qui a contribué à restaurer une part de confiance ?",
                "What helped restore some trust?",
            ),
            (
                "Comment élargir le cadre sans le fragiliser ?",
                "How could the forum be widened without weakening it?",
            ),
            (
                "Quels risques courent les personnes qui participent à ce dialogue, et comment les réduire ?",
                "What risks do the people taking part in this dialogue face, and how can they be reduced?",
            ),
        ],
    ),
    paragraph(
        "<p>Pour les organisations civiles, la relation avec les forces de sécurité demande de la prudence : distinguer clairement son rôle, éviter que la population assimile l'organisation à une partie au conflit, ne jamais transmettre d'informations sur des personnes, et respecter les principes de coordination civilo-militaire, qui font de l'escorte armée un dernier recours.</p>",
        "<p>For civilian organisations, the relationship with security forces calls for care: keep roles clearly distinct, avoid the population equating the organisation with a party to the conflict, never pass on information about individuals, and follow the principles of civil-military coordination, which make armed escorts a last resort.</p>",
    ),
    takeaway(
        "<p>La confiance se gagne par le comportement quotidien et se perd en un seul incident : les mécanismes de dialogue et de plainte doivent être accessibles à tous, femmes et jeunes compris.</p>",
        "<p>Trust is earned through daily behaviour and lost in a single incident: dialogue and complaint mechanisms must be open to everyone, women and young people included.</p>",
    ),
    reflection(
        "Dans votre travail, comment éviter que votre organisation soit perçue comme proche d'une des forces armées présentes ?",
        "In your work, how do you avoid your organisation being seen as close to any of the armed forces present?",
    ),
]

LESSON_WOMEN = [
    heading("Des actrices, pas seulement des victimes", "Actors, not only victims"),
    paragraph(
        "<p>Les femmes sont touchées de manière spécifique par les conflits : déplacements, perte des moyens de subsistance, violences, charge accrue des familles. Mais elles sont aussi actrices de la paix : elles négocient la libération d'otages ou la réouverture de marchés, font circuler l'information, maintiennent les liens entre familles de communautés différentes. Réduire les femmes à un « groupe vulnérable », c'est se priver de leur analyse et de leur influence.</p>"
        "<p>Le Mali s'est doté de plans d'action nationaux pour mettre en œuvre la résolution 1325 du Conseil de sécurité sur les femmes, la paix et la sécurité, et la loi n° 2015-052 fixe un minimum de 30 % de femmes dans les fonctions nominatives et électives. Sur le terrain, la participation réelle reste limitée.</p>",
        '<p>Women are affected by conflict in specific ways: displacement, loss of livelihoods, violence, heavier family burdens. But they are also peace actors: they negotiate the release of hostages or the reopening of markets, pass on information, and keep ties alive between families from different communities. Reducing women to a "vulnerable group" means losing their analysis and their influence.</p>'
        "<p>Mali has adopted national action plans to implement Security Council resolution 1325 on women, peace and security, and Law No. 2015-052 sets a minimum of 30% women in appointed and elected positions. On the ground, real participation remains limited.</p>",
    ),
    heading(
        "Participer sans s'exposer", "Taking part without being put at risk", level="h3"
    ),
    paragraph(
        "<p>Inviter des femmes à une réunion ne suffit pas. Il faut réfléchir aux horaires (jours de marché, travaux domestiques), au lieu (accessible, sûr), à la garde des enfants, au transport, à la présence de facilitatrices et à l'organisation de groupes de discussion séparés lorsque la prise de parole en public est difficile. Il faut aussi anticiper les risques : réactions hostiles de la famille ou de la communauté, menaces de groupes armés contre des femmes trop visibles. La participation doit rester un choix, et la confidentialité respectée.</p>"
        "<p>Ne posez jamais de questions sur des violences subies lors d'une formation ou d'une enquête si vous ne pouvez pas orienter la personne vers un service d'assistance adapté.</p>",
        "<p>Inviting women to a meeting is not enough. Think about timing (market days, household work), venue (accessible, safe), childcare, transport, female facilitators, and separate discussion groups where speaking in public is difficult. Anticipate risks too: hostile reactions from family or community, threats from armed groups against women who are too visible. Taking part must remain a choice, and confidentiality must be respected.</p>"
        "<p>Never ask about violence someone has experienced during a training or a survey unless you can refer them to an appropriate support service.</p>",
    ),
    case_study(
        "Commune du cercle de Mopti (exemple fictif)",
        ("Un siège sans voix", "A seat without a voice"),
        (
            "<p>Un comité local de paix compte trois femmes sur quinze membres, comme le demandait le bailleur. Les réunions ont lieu le jour du marché, dans la cour d'un notable ; les femmes y assistent mais prennent rarement la parole. Lors d'une évaluation, elles expliquent que leurs propositions sont discutées « entre hommes » après la réunion.</p>"
            "<p>Le comité décide de déplacer les réunions, de prévoir un temps de préparation entre femmes avant chaque séance et de confier à l'une d'elles la présidence d'une commission sur les déplacés.</p>",
            '<p>A local peace committee has three women among its fifteen members, as the donor required. Meetings are held on market day, in a local notable\'s courtyard; the women attend but rarely speak. During an evaluation they explain that their proposals are discussed "among men" after the meeting.</p>'
            "<p>The committee decides to move the meetings, to set aside time for the women to prepare together before each session and to give one of them the chair of a sub-committee on displaced people.</p>",
        ),
        [
            (
                "Pourquoi le quota seul n'a-t-il pas suffi ?",
                "Why was the quota alone not enough?",
            ),
            (
                "Quels hommes influents pourraient devenir des alliés ?",
                "Which influential men could become allies?",
            ),
        ],
    ),
    takeaway(
        "<p>La participation des femmes se mesure à leur influence sur les décisions, pas au nombre de chaises occupées — et elle ne doit jamais les exposer à des représailles.</p>",
        "<p>Women's participation is measured by their influence on decisions, not by the number of seats filled — and it must never expose them to reprisals.</p>",
    ),
    reflection(
        "Dans votre dernier projet ou votre dernière réunion communautaire, qu'est-ce qui a facilité ou freiné la prise de parole des femmes ?",
        "In your last project or community meeting, what helped or held back women from speaking?",
    ),
]

LESSON_YOUTH = [
    heading("Au-delà de l'idéologie", "Beyond ideology"),
    paragraph(
        "<p>On présente souvent les jeunes du Sahel comme une « menace », attirés par des idéologies extrémistes. La réalité est plus complexe. La très grande majorité des jeunes ne rejoignent aucun groupe armé. Ceux qui le font citent rarement la religion en premier : ils parlent de la protection de leur famille ou de leur bétail, de vengeance après des violences subies, de revenus, de statut social, de la possibilité de se marier, ou d'injustices commises par des représentants de l'État.</p>"
        "<p>Plusieurs études menées en Afrique, dont une recherche du PNUD sur les parcours vers l'extrémisme, montrent que pour une large majorité des personnes interrogées, le basculement a suivi un événement précis : l'arrestation ou la mort d'un proche lors d'une opération de sécurité. Les abus commis au nom de la lutte contre le terrorisme peuvent ainsi alimenter ce qu'ils prétendent combattre.</p>",
        '<p>Young people in the Sahel are often portrayed as a "threat", drawn to extremist ideologies. Reality is more complex. The vast majority of young people join no armed group. Those who do rarely name religion first: they talk about protecting their family or livestock, revenge after violence they suffered, income, social status, being able to marry, or injustice by representatives of the State.</p>'
        "<p>Several studies in Africa, including UNDP research on journeys to extremism, show that for a large majority of those interviewed, the tipping point followed a specific event: the arrest or death of a relative during a security operation. Abuses committed in the name of counter-terrorism can thus feed what they claim to fight.</p>",
    ),
    heading("Les jeunes comme partenaires", "Young people as partners", level="h3"),
    paragraph(
        "<p>Un programme sensible aux conflits évite de désigner des « jeunes à risque », une étiquette stigmatisante qui peut même exposer les participants. Il associe les associations de jeunes à la conception, reconnaît leur rôle dans la protection des quartiers et la médiation, et veille à ce que les opportunités (emplois, formations, indemnités) soient attribuées selon des critères transparents, sans renforcer les rivalités entre quartiers ou entre groupes.</p>",
        '<p>A conflict-sensitive programme avoids labelling participants "at-risk youth", a stigmatising tag that can even put them in danger. It involves youth associations in design, recognises their role in protecting neighbourhoods and in mediation, and makes sure that opportunities (jobs, training, allowances) are allocated on transparent criteria, without feeding rivalries between neighbourhoods or groups.</p>',
    ),
    case_study(
        "Gao (exemple fictif)",
        ("Un programme d'emploi rebaptisé", "A job scheme renamed"),
        (
            "<p>Un projet de formation professionnelle est présenté comme un programme de « prévention de l'extrémisme violent chez les jeunes à risque ». Les inscriptions sont faibles : les familles craignent que leurs fils soient fichés comme suspects. Après des discussions avec des associations de jeunes, le projet est renommé, ouvert à tous les jeunes du quartier, et la sélection est faite en public par un comité mixte où siègent deux jeunes femmes.</p>",
            '<p>A vocational training project is presented as a programme for "preventing violent extremism among at-risk youth". Enrolment is low: families fear their sons will be listed as suspects. After discussions with youth associations, the project is renamed and opened to all young people in the neighbourhood, and selection is made in public by a mixed committee that includes two young women.</p>',
        ),
        [
            (
                "Quel message implicite le premier nom du programme envoyait-il ?",
                "What implicit message did the programme's first name send?",
            ),
            (
                "Comment mesurer l'effet du programme sur les tensions sans exposer les participants ?",
                "How could the programme's effect on tensions be measured without exposing participants?",
            ),
        ],
    ),
    takeaway(
        "<p>Comprendre pourquoi des jeunes prennent les armes, c'est regarder la protection, la justice, l'économie et la dignité — pas seulement les idées.</p>",
        "<p>Understanding why young people take up arms means looking at protection, justice, livelihoods and dignity — not only at ideas.</p>",
    ),
    reflection(
        "Comment les jeunes de votre zone de travail décrivent-ils eux-mêmes leurs difficultés et leurs priorités ? Comment le savez-vous ?",
        "How do young people in your area of work describe their own difficulties and priorities? How do you know?",
    ),
]

LESSON_ADAPTING = [
    heading(
        "Suivre le contexte et l'interaction",
        "Monitoring the context and the interaction",
    ),
    paragraph(
        "<p>Une analyse de conflit faite une fois au démarrage d'un projet vieillit vite. Un programme sensible aux conflits prévoit des moments réguliers pour la mettre à jour et suit deux types d'indicateurs : des indicateurs de <b>contexte</b> (incidents, déplacements, prix, rumeurs) et des indicateurs d'<b>interaction</b> (perception de l'équité du ciblage, plaintes reçues, tensions autour des activités, composition des comités).</p>"
        "<p>Les mécanismes de retour d'information — numéro gratuit, boîtes à suggestions, réunions publiques, relais de confiance — ne servent que s'ils sont connus, sûrs et suivis de réponses.</p>",
        "<p>A conflict analysis done once at the start of a project ages quickly. A conflict-sensitive programme plans regular moments to update it and tracks two kinds of indicators: <b>context</b> indicators (incidents, displacement, prices, rumours) and <b>interaction</b> indicators (perceived fairness of targeting, complaints received, tensions around activities, composition of committees).</p>"
        "<p>Feedback mechanisms — a free phone line, suggestion boxes, public meetings, trusted relays — are only useful if people know them, find them safe and get answers.</p>",
    ),
    heading("Des options pour ajuster", "Options for adjusting", level="h3"),
    paragraph(
        "<p>Lorsqu'une activité crée des tensions, il existe presque toujours d'autres options : changer le calendrier, le lieu ou les critères de ciblage, diversifier le personnel et les partenaires, réduire la visibilité, passer par des mécanismes locaux existants, ou suspendre temporairement. Ces ajustements demandent de la souplesse dans les budgets et un dialogue franc avec les bailleurs, à qui il faut rendre compte des changements et de leurs raisons.</p>",
        "<p>When an activity creates tension, there are almost always other options: change the timing, the venue or the targeting criteria, diversify staff and partners, lower visibility, work through existing local mechanisms, or pause temporarily. These adjustments need flexible budgets and frank dialogue with donors, who must be told about the changes and the reasons for them.</p>",
    ),
    case_study(
        "Cercle de Gao (exemple fictif)",
        ("Des travaux à haute intensité de main-d'œuvre", "A cash-for-work scheme"),
        (
            "<p>Un projet rémunère des habitants pour réhabiliter un périmètre irrigué. La liste des travailleurs est établie par un comité dominé par le quartier le plus proche du chantier. Des jeunes d'autres quartiers bloquent l'accès au site. L'équipe suspend les travaux deux jours, organise une réunion ouverte et adopte un tirage au sort public par quartier, avec des équipes qui tournent chaque semaine et une commission de plaintes où siègent des femmes et des jeunes.</p>",
            "<p>A project pays residents to rehabilitate an irrigation scheme. The list of workers is drawn up by a committee dominated by the neighbourhood closest to the site. Young people from other neighbourhoods block access to the site. The team pauses work for two days, holds an open meeting and adopts a public lottery by neighbourhood, with teams rotating every week and a complaints committee that includes women and young people.</p>",
        ),
        [
            (
                "Quels indicateurs auraient pu signaler le problème plus tôt ?",
                "Which indicators could have flagged the problem earlier?",
            ),
            (
                "Comment expliqueriez-vous ce retard au bailleur ?",
                "How would you explain the delay to the donor?",
            ),
        ],
    ),
    takeaway(
        "<p>La sensibilité aux conflits n'est pas une étape mais une habitude : analyser, agir, vérifier, ajuster — et documenter ce qui a été appris.</p>",
        "<p>Conflict sensitivity is not a step but a habit: analyse, act, check, adjust — and write down what was learned.</p>",
    ),
    reflection(
        "Citez un ajustement concret que vous pourriez proposer à votre équipe ce mois-ci pour rendre votre programme plus sensible aux conflits.",
        "Name one concrete adjustment you could propose to your team this month to make your programme more conflict-sensitive.",
    ),
]

COURSE = {
    "level": "intro",
    "duration_hours": "6.0",
    "is_public": True,
    "is_trainer_track": False,
    "audiences": "all",
    "fr": {
        "title": "Sensibilité aux conflits : les fondamentaux",
        "slug": "sensibilite-aux-conflits-fondamentaux",
        "summary": "Comprendre les dynamiques de conflit et de résilience au Mali, analyser comment une intervention interagit avec son contexte et adapter ses programmes pour ne pas nuire.",
        "description": "<p>Ce cours d'introduction s'adresse à toutes les personnes qui travaillent dans des zones touchées par les conflits au Mali : personnel des Nations unies et des ONG, agents de l'État et des forces de défense et de sécurité, leaders communautaires, associations de femmes et de jeunes.</p><p>À partir d'exemples tirés des régions de Mopti et de Gao, il présente les outils de base de l'analyse de conflit et du cadre « Ne pas nuire », puis les applique à des questions concrètes : la confiance entre communautés et forces de sécurité, la participation des femmes, l'engagement des jeunes et l'adaptation des programmes.</p>",
        "learning_objectives": "<ul><li>Expliquer ce qu'est la sensibilité aux conflits et pourquoi aucune intervention n'est neutre.</li><li>Analyser les sources de tension et les facteurs de résilience dans une zone donnée.</li><li>Identifier les connecteurs et les diviseurs et l'effet d'une intervention sur eux.</li><li>Reconnaître les messages éthiques implicites de son organisation.</li><li>Favoriser une participation sûre et réelle des femmes et des jeunes.</li><li>Proposer des ajustements concrets à un programme.</li></ul>",
    },
    "en": {
        "title": "Conflict sensitivity fundamentals",
        "slug": "conflict-sensitivity-fundamentals",
        "summary": "Understand conflict and resilience dynamics in Mali, analyse how an intervention interacts with its context, and adapt programmes so as to do no harm.",
        "description": "<p>This introductory course is for everyone working in conflict-affected areas of Mali: UN and NGO staff, government officials and defence and security forces, community leaders, women's and youth associations.</p><p>Drawing on examples from the Mopti and Gao regions, it introduces the basic tools of conflict analysis and the Do No Harm framework, then applies them to practical questions: trust between communities and security forces, women's participation, youth engagement and adapting programmes.</p>",
        "learning_objectives": "<ul><li>Explain what conflict sensitivity is and why no intervention is neutral.</li><li>Analyse sources of tension and resilience factors in a given area.</li><li>Identify connectors and dividers and an intervention's effect on them.</li><li>Recognise your organisation's implicit ethical messages.</li><li>Support safe and meaningful participation of women and young people.</li><li>Propose concrete adjustments to a programme.</li></ul>",
    },
    "modules": [
        {
            "fr": {
                "title": "Comprendre le contexte",
                "slug": "comprendre-le-contexte",
                "summary": "Ce qu'est la sensibilité aux conflits, et les dynamiques de conflit et de résilience dans les régions de Mopti et de Gao.",
            },
            "en": {
                "title": "Understanding the context",
                "slug": "understanding-the-context",
                "summary": "What conflict sensitivity is, and conflict and resilience dynamics in the Mopti and Gao regions.",
            },
            "lessons": [
                {
                    "key": "fundamentals-what-is-conflict-sensitivity",
                    "minutes": 30,
                    "body": LESSON_WHAT_IS_CS,
                    "fr": {
                        "title": "Qu'est-ce que la sensibilité aux conflits ?",
                        "slug": "qu-est-ce-que-la-sensibilite-aux-conflits",
                        "summary": "Pourquoi aucune intervention n'est neutre, et les trois étapes de la démarche.",
                    },
                    "en": {
                        "title": "What is conflict sensitivity?",
                        "slug": "what-is-conflict-sensitivity",
                        "summary": "Why no intervention is neutral, and the three steps of the approach.",
                    },
                },
                {
                    "key": "fundamentals-mopti-dynamics",
                    "minutes": 50,
                    "body": LESSON_MOPTI,
                    "fr": {
                        "title": "Conflits et résilience dans la région de Mopti",
                        "slug": "conflits-et-resilience-region-de-mopti",
                        "summary": "Ressources partagées du delta intérieur du Niger, cycles de violence et capacités locales de résilience ; l'arbre à problèmes.",
                    },
                    "en": {
                        "title": "Conflict and resilience in the Mopti region",
                        "slug": "conflict-and-resilience-mopti-region",
                        "summary": "Shared resources of the Inner Niger Delta, cycles of violence and local capacities for resilience; the conflict tree.",
                    },
                },
                {
                    "key": "fundamentals-gao-dynamics",
                    "minutes": 40,
                    "body": LESSON_GAO,
                    "fr": {
                        "title": "Gao : dynamiques locales et facteurs de résilience",
                        "slug": "gao-dynamiques-locales-et-resilience",
                        "summary": "Une ville-carrefour, ses sources de tension et les acteurs qui maintiennent la cohésion.",
                    },
                    "en": {
                        "title": "Gao: local dynamics and resilience factors",
                        "slug": "gao-local-dynamics-and-resilience",
                        "summary": "A crossroads town, its sources of tension and the actors who hold it together.",
                    },
                },
            ],
        },
        {
            "fr": {
                "title": "L'intervention dans son contexte",
                "slug": "l-intervention-dans-son-contexte",
                "summary": "Connecteurs et diviseurs, transferts de ressources et messages implicites, confiance entre communautés et forces de sécurité.",
            },
            "en": {
                "title": "The intervention in its context",
                "slug": "the-intervention-in-its-context",
                "summary": "Connectors and dividers, resource transfers and implicit messages, trust between communities and security forces.",
            },
            "lessons": [
                {
                    "key": "fundamentals-connectors-dividers",
                    "minutes": 40,
                    "body": LESSON_CONNECTORS,
                    "fr": {
                        "title": "Connecteurs et diviseurs",
                        "slug": "connecteurs-et-diviseurs",
                        "summary": "Repérer ce qui rapproche et ce qui oppose, et l'effet de nos activités sur les deux.",
                    },
                    "en": {
                        "title": "Connectors and dividers",
                        "slug": "connectors-and-dividers",
                        "summary": "Spotting what brings people together and what divides them, and how our activities affect both.",
                    },
                },
                {
                    "key": "fundamentals-resources-messages",
                    "minutes": 35,
                    "body": LESSON_MESSAGES,
                    "fr": {
                        "title": "Transferts de ressources et messages implicites",
                        "slug": "transferts-de-ressources-et-messages-implicites",
                        "summary": "Ce que l'aide transfère et ce qu'elle communique sans le dire.",
                    },
                    "en": {
                        "title": "Resource transfers and implicit messages",
                        "slug": "resource-transfers-and-implicit-messages",
                        "summary": "What assistance transfers and what it communicates without saying so.",
                    },
                },
                {
                    "key": "fundamentals-mixed-patrols-gao",
                    "minutes": 45,
                    "body": LESSON_PATROLS,
                    "fr": {
                        "title": "Communautés et forces de sécurité : les patrouilles mixtes à Gao",
                        "slug": "communautes-forces-de-securite-patrouilles-mixtes-gao",
                        "summary": "La confiance comme condition de la sécurité, à partir de l'expérience des patrouilles mixtes.",
                    },
                    "en": {
                        "title": "Communities and security forces: the mixed patrols in Gao",
                        "slug": "communities-security-forces-mixed-patrols-gao",
                        "summary": "Trust as a condition for security, drawing on the experience of the mixed patrols.",
                    },
                },
            ],
        },
        {
            "fr": {
                "title": "Des programmes sensibles aux conflits",
                "slug": "des-programmes-sensibles-aux-conflits",
                "summary": "La participation des femmes, l'engagement des jeunes et l'adaptation des programmes.",
            },
            "en": {
                "title": "Conflict-sensitive programming",
                "slug": "conflict-sensitive-programming",
                "summary": "Women's participation, youth engagement and adapting programmes.",
            },
            "lessons": [
                {
                    "key": "fundamentals-womens-participation",
                    "minutes": 40,
                    "body": LESSON_WOMEN,
                    "fr": {
                        "title": "La participation des femmes",
                        "slug": "la-participation-des-femmes",
                        "summary": "Les femmes comme actrices de la paix, et les conditions d'une participation sûre et réelle.",
                    },
                    "en": {
                        "title": "Women's participation",
                        "slug": "womens-participation",
                        "summary": "Women as peace actors, and what safe and meaningful participation requires.",
                    },
                },
                {
                    "key": "fundamentals-youth-and-violence",
                    "minutes": 40,
                    "body": LESSON_YOUTH,
                    "fr": {
                        "title": "Les jeunes et la violence : au-delà de l'idéologie",
                        "slug": "les-jeunes-et-la-violence",
                        "summary": "Pourquoi certains jeunes prennent les armes, et comment travailler avec les jeunes sans les stigmatiser.",
                    },
                    "en": {
                        "title": "Youth and violence: beyond ideology",
                        "slug": "youth-and-violence",
                        "summary": "Why some young people take up arms, and how to work with youth without stigmatising them.",
                    },
                },
                {
                    "key": "fundamentals-adapting-programmes",
                    "minutes": 40,
                    "body": LESSON_ADAPTING,
                    "fr": {
                        "title": "Adapter son programme",
                        "slug": "adapter-son-programme",
                        "summary": "Suivre le contexte et l'interaction, et ajuster les activités quand elles créent des tensions.",
                    },
                    "en": {
                        "title": "Adapting your programme",
                        "slug": "adapting-your-programme",
                        "summary": "Monitoring the context and the interaction, and adjusting activities when they create tension.",
                    },
                },
            ],
        },
    ],
}


# --- Tests ------------------------------------------------------------------------
# Each question is (type, {"fr": text, "en": text}, answers). Answers are
# (fraction, {"fr": text, "en": text}, {"fr": feedback, "en": feedback}); for
# a matching question (fraction, prompt, match); for a true/false question,
# the right answer.

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
    fields = {"language": language}
    if kind == "truefalse":
        fields["correct_answer_true"] = answers
        answers = []
    elif kind == "matching":
        answers = [
            {"text": prompt[language], "match": match[language]}
            for _fraction, prompt, match in answers
        ]
    else:
        answers = [
            {
                "fraction": fraction,
                "text": label[language],
                "feedback": feedback[language],
            }
            for fraction, label, feedback in answers
        ]
    return quiz_factories.question(kind, f"<p>{text}</p>", answers, category, **fields)


def seed_quizzes() -> dict:
    """Create the quizzes once; return {(kind, language): quiz}."""
    result = {}
    for language in ("fr", "en"):
        category = quiz_factories.category(
            {
                "fr": "Sensibilité aux conflits (démo)",
                "en": "Conflict sensitivity (demo)",
            }[language]
        )
        for kind, (titles, questions) in QUIZZES.items():
            quiz = Quiz.objects.filter(title=titles[language]).first()
            if quiz is None:
                quiz = quiz_factories.quiz_with(
                    [_question(spec, language, category) for spec in questions],
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
            result[(kind, language)] = quiz
    return result


def seed_tests(pages) -> None:
    """The pre-test and post-test (parallel forms) on the course, and a
    knowledge check in its connectors-and-dividers lesson, in both
    languages."""
    quizzes = seed_quizzes()
    french = CoursePage.objects.filter(
        slug=COURSE["fr"]["slug"], locale=pages.fr
    ).first()
    if french is None:
        return
    for course in [french, french.get_translation_or_none(pages.en)]:
        if course is None:
            continue
        language = course.locale.language_code
        if course.pre_test_id is None:
            course.pre_test = quizzes[("pre", language)]
            course.post_test = quizzes[("post", language)]
            course.parallel_forms = True
            course.save_revision().publish()
            pages.created["course tests"] += 1
        lesson = next(
            (
                page
                for page in LessonPage.objects.descendant_of(course).order_by("path")
                if any(
                    block["type"] == "sorting_exercise"
                    and block["value"].get("kind") == "connectors_dividers"
                    for block in page.body.raw_data
                )
            ),
            None,
        )
        if lesson is not None and not any(
            block.block_type == "knowledge_check" for block in lesson.body
        ):
            check_id = str(uuid.uuid5(BLOCK_NAMESPACE, "knowledge-check-connectors"))
            lesson.body.append(
                ("knowledge_check", {"quiz": quizzes[("check", language)]}, check_id)
            )
            lesson.save_revision().publish()
            pages.created["knowledge checks"] += 1
