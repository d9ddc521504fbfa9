"""Demo catalogue: causes, skills, 40 associations, 150 missions and their sessions."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

from missions.models import (
    AssociationIndexPage,
    AssociationPage,
    Cause,
    MissionIndexPage,
    MissionKind,
    MissionPage,
    MissionSession,
    Skill,
    SustainableDevelopmentGoal,
)
from missions.services.catalogue import ensure_site_tree
from portal.calendar import is_french_public_holiday
from portal.demo.people import GROUP, SEED, SME, DemoScale, current_scale
from portal.models import Company

PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# slug: (name, description, SDG numbers)
CAUSES = {
    "education": ("Éducation", "Réussite scolaire, lecture, orientation des jeunes.", [4, 10]),
    "environment": (
        "Environnement",
        "Biodiversité, climat, propreté des espaces naturels, réemploi.",
        [12, 13, 14, 15],
    ),
    "health": ("Santé", "Prévention, accompagnement des malades et des aidants.", [3]),
    "inclusion": (
        "Insertion et lutte contre l'exclusion",
        "Retour à l'emploi, logement, accompagnement des personnes en précarité.",
        [1, 8, 10],
    ),
    "digital-inclusion": (
        "Inclusion numérique",
        "Accès aux outils et aux démarches en ligne pour toutes et tous.",
        [4, 9, 10],
    ),
    "culture": ("Culture", "Accès à la culture, patrimoine, pratiques artistiques.", [4, 11]),
    "humanitarian": (
        "Humanitaire",
        "Urgence, accès à l'eau, solidarité internationale.",
        [1, 2, 6, 16],
    ),
    "animal-welfare": ("Protection animale", "Refuges, adoption, faune sauvage.", [15]),
    "food-aid": (
        "Aide alimentaire",
        "Collecte, distribution, lutte contre le gaspillage.",
        [2, 12],
    ),
    "disability": ("Handicap", "Inclusion des personnes en situation de handicap.", [3, 10]),
    "elderly": (
        "Solidarité intergénérationnelle",
        "Rompre l'isolement des personnes âgées.",
        [3, 10, 11],
    ),
    "gender-equality": (
        "Égalité femmes-hommes",
        "Accès à l'emploi et aux responsabilités, lutte contre les violences.",
        [5, 10],
    ),
}

# slug: (English name, English description)
CAUSES_EN = {
    "education": ("Education", "Success at school, reading, guidance for young people."),
    "environment": (
        "Environment",
        "Biodiversity, climate, clean natural spaces, reuse.",
    ),
    "health": ("Health", "Prevention, support for patients and carers."),
    "inclusion": (
        "Inclusion and fighting exclusion",
        "Back to work, housing, support for people in hardship.",
    ),
    "digital-inclusion": (
        "Digital inclusion",
        "Access to digital tools and online procedures for everyone.",
    ),
    "culture": ("Culture", "Access to culture, heritage, the arts."),
    "humanitarian": (
        "Humanitarian aid",
        "Emergencies, access to water, international solidarity.",
    ),
    "animal-welfare": ("Animal welfare", "Shelters, adoption, wildlife."),
    "food-aid": ("Food aid", "Collection, distribution, fighting food waste."),
    "disability": ("Disability", "Inclusion of people with disabilities."),
    "elderly": ("Intergenerational solidarity", "Breaking the isolation of older people."),
    "gender-equality": (
        "Gender equality",
        "Access to jobs and responsibilities, fighting violence against women.",
    ),
}

SKILLS = [
    "Gestion de projet",
    "Comptabilité et finance",
    "Droit",
    "Communication",
    "Graphisme",
    "Développement web",
    "Data et analyse",
    "Marketing digital",
    "Ressources humaines",
    "Coaching et mentorat",
    "Langues étrangères",
    "Bricolage et travaux",
    "Jardinage",
    "Cuisine",
    "Animation d'ateliers",
    "Logistique",
    "Photographie et vidéo",
    "Stratégie",
    "Cybersécurité",
    "Levée de fonds",
    "Pédagogie",
]

SKILLS_EN = {
    "Gestion de projet": "Project management",
    "Comptabilité et finance": "Accounting and finance",
    "Droit": "Law",
    "Communication": "Communication",
    "Graphisme": "Graphic design",
    "Développement web": "Web development",
    "Data et analyse": "Data and analytics",
    "Marketing digital": "Digital marketing",
    "Ressources humaines": "Human resources",
    "Coaching et mentorat": "Coaching and mentoring",
    "Langues étrangères": "Foreign languages",
    "Bricolage et travaux": "DIY and repairs",
    "Jardinage": "Gardening",
    "Cuisine": "Cooking",
    "Animation d'ateliers": "Running workshops",
    "Logistique": "Logistics",
    "Photographie et vidéo": "Photography and video",
    "Stratégie": "Strategy",
    "Cybersécurité": "Cybersecurity",
    "Levée de fonds": "Fundraising",
    "Pédagogie": "Teaching",
}

# city: (postcode, department code used in RNA numbers)
CITIES = {
    "Paris": ("75011", "75"),
    "Lyon": ("69001", "69"),
    "Villeurbanne": ("69100", "69"),
    "Marseille": ("13001", "13"),
    "Lille": ("59000", "59"),
    "Roubaix": ("59100", "59"),
    "Nantes": ("44000", "44"),
    "Toulouse": ("31000", "31"),
    "Bordeaux": ("33000", "33"),
    "Strasbourg": ("67000", "67"),
    "Rennes": ("35000", "35"),
    "Montpellier": ("34000", "34"),
    "Grenoble": ("38000", "38"),
    "Saint-Denis": ("93200", "93"),
    "Rouen": ("76000", "76"),
}
STREETS = [
    "rue de la République",
    "rue des Tanneurs",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "boulevard Gambetta",
    "rue du Marché",
    "place de la Mairie",
    "rue des Écoles",
    "quai de la Fosse",
    "rue Pasteur",
    "allée des Tilleuls",
    "rue Paul-Bert",
]

# (name, city, causes, summary): invented associations, any likeness is coincidental.
ASSOCIATIONS = [
    ("Les Jardins de la Soie", "Lyon", ["environment", "inclusion"],
     "Jardins partagés et chantier d'insertion sur les pentes de la Croix-Rousse."),
    ("Lire et Grandir en Presqu'île", "Lyon", ["education"],
     "Aide aux devoirs et ateliers de lecture pour les enfants du quartier."),
    ("Clic Solidaire", "Villeurbanne", ["digital-inclusion"],
     "Ordinateurs reconditionnés et initiation au numérique pour tous."),
    ("Épicerie Solidaire du Vieux-Lille", "Lille", ["food-aid", "inclusion"],
     "Une épicerie à petits prix et un lieu d'accueil pour les familles."),
    ("Les Amis des Berges de Loire", "Nantes", ["environment"],
     "Nettoyage et suivi de la biodiversité des berges de la Loire."),
    ("Tremplin Emploi 93", "Saint-Denis", ["inclusion", "gender-equality"],
     "Accompagnement vers l'emploi des jeunes et des femmes éloignés du travail."),
    ("Refuge des Quatre Pattes", "Toulouse", ["animal-welfare"],
     "Refuge pour chiens et chats abandonnés, adoption responsable."),
    ("Santé Partagée Bordeaux", "Bordeaux", ["health"],
     "Prévention santé et soutien aux aidants de malades chroniques."),
    ("Scènes Ouvertes Marseille", "Marseille", ["culture", "education"],
     "Théâtre et musique avec les collégiens des quartiers nord."),
    ("Solidarité Eau Atlantique", "Bordeaux", ["humanitarian"],
     "Projets d'accès à l'eau potable en Afrique de l'Ouest."),
    ("Les Petites Cantines Solidaires", "Lyon", ["food-aid", "elderly"],
     "Cantines de quartier où l'on cuisine et mange ensemble."),
    ("Alsace Numérique Pour Tous", "Strasbourg", ["digital-inclusion", "elderly"],
     "Permanences d'aide aux démarches en ligne et ateliers seniors."),
    ("Handi'Cap Sport Rennes", "Rennes", ["disability", "health"],
     "Sport adapté et rencontres inclusives pour tous les âges."),
    ("Fil d'Argent", "Paris", ["elderly"],
     "Visites et appels de convivialité aux personnes âgées isolées."),
    ("Forêts Vivantes d'Occitanie", "Montpellier", ["environment"],
     "Plantation de haies, restauration de zones humides et sciences participatives."),
    ("Cap Avenir Lycéens", "Lille", ["education", "inclusion"],
     "Parrainage de lycéens professionnels par des salariés bénévoles."),
    ("La Maison des Femmes Debout", "Paris", ["gender-equality", "health"],
     "Accueil, écoute et accompagnement des femmes victimes de violences."),
    ("Repair Café Grenoble Alpes", "Grenoble", ["environment"],
     "Ateliers de réparation gratuits pour lutter contre l'obsolescence."),
    ("Coup de Pouce Numérique Roubaix", "Roubaix", ["digital-inclusion", "inclusion"],
     "Formation aux outils numériques des demandeurs d'emploi."),
    ("Les Toits du Cœur", "Marseille", ["inclusion", "humanitarian"],
     "Hébergement d'urgence et maraudes auprès des personnes sans abri."),
    ("Patrimoine et Chantiers de Normandie", "Rouen", ["culture", "inclusion"],
     "Restauration de petit patrimoine par des chantiers d'insertion."),
    ("Ferme Pédagogique des Coteaux", "Toulouse", ["education", "animal-welfare"],
     "Une ferme où les enfants découvrent animaux, potager et saisons."),
    ("Bibliothèques Sans Murs Nantes", "Nantes", ["education", "culture"],
     "Lectures et prêt de livres au pied des immeubles."),
    ("Entraide Médicale Internationale", "Paris", ["humanitarian", "health"],
     "Missions de soins et formation de personnels de santé à l'étranger."),
    ("Banque Solidaire de Meubles", "Villeurbanne", ["inclusion", "environment"],
     "Collecte et redistribution de meubles aux familles relogées."),
    ("Les Cuisiniers Anti-Gaspi", "Paris", ["food-aid", "environment"],
     "Des repas cuisinés avec les invendus et distribués le soir même."),
    ("Passerelles Handicap Emploi", "Lyon", ["disability", "inclusion"],
     "Accompagnement vers l'emploi des personnes en situation de handicap."),
    ("Mentorat Tremplin Sup", "Toulouse", ["education", "gender-equality"],
     "Mentorat d'étudiantes et d'étudiants boursiers vers les études supérieures."),
    ("Les Blouses Roses de Gironde", "Bordeaux", ["health", "elderly"],
     "Animations et présence auprès des enfants hospitalisés et des aînés."),
    ("Refuge de la Forêt Noire", "Strasbourg", ["animal-welfare", "environment"],
     "Soins à la faune sauvage blessée et relâcher en milieu naturel."),
    ("Quartiers Connectés", "Saint-Denis", ["digital-inclusion", "education"],
     "Ateliers de code et de création numérique pour les 10-16 ans."),
    ("Un Toit Pour Repartir", "Lille", ["inclusion"],
     "Logement accompagné pour des personnes sortant de la rue."),
    ("Mer Propre Méditerranée", "Montpellier", ["environment"],
     "Nettoyage des plages et sensibilisation à la pollution plastique."),
    ("Chœurs Solidaires de Rennes", "Rennes", ["culture", "elderly"],
     "Chorales intergénérationnelles et concerts en maisons de retraite."),
    ("Réseau Aidants Grenoblois", "Grenoble", ["health", "elderly"],
     "Répit et formation pour les proches aidants."),
    ("Terre d'Accueil Réfugiés", "Lyon", ["humanitarian", "inclusion"],
     "Apprentissage du français et accompagnement des personnes réfugiées."),
    ("Les Paniers du Marais Poitevin", "Nantes", ["food-aid", "environment"],
     "Paniers de légumes bio solidaires produits en insertion."),
    ("Ateliers Vélo Solidaire", "Rouen", ["environment", "inclusion"],
     "Réparation de vélos et remise en selle des personnes sans véhicule."),
    ("Sourire à l'Hôpital Marseille", "Marseille", ["health", "culture"],
     "Clowns et conteurs dans les services pédiatriques."),
    ("Femmes et Numérique Bordeaux", "Bordeaux", ["gender-equality", "digital-inclusion"],
     "Formation aux métiers du numérique pour les femmes en reconversion."),
]  # fmt: skip

# cause: [(kind, title, summary, skills, may be remote)]
C, S, V, L = (
    MissionKind.CITIZEN_DAY,
    MissionKind.SKILLS_SPONSORSHIP,
    MissionKind.VOLUNTEERING,
    MissionKind.SOLIDARITY_LEAVE,
)
TEMPLATES = {
    "education": [
        (
            C,
            "Rénovation d'une salle de classe",
            "Repeindre et aménager une salle d'activités pour les enfants.",
            ["Bricolage et travaux"],
            False,
        ),
        (
            V,
            "Aide aux devoirs du mercredi",
            "Accompagner des collégiens dans leurs devoirs, deux heures par semaine.",
            ["Pédagogie"],
            False,
        ),
        (
            S,
            "Parrainage d'un lycéen vers l'emploi",
            "Coacher un lycéen de filière professionnelle pendant son année de terminale.",
            ["Coaching et mentorat"],
            True,
        ),
        (
            V,
            "Ateliers de lecture à voix haute",
            "Lire des albums à de petits groupes d'enfants de 4 à 8 ans.",
            ["Pédagogie", "Animation d'ateliers"],
            False,
        ),
        (
            L,
            "Formation d'enseignants au Sénégal",
            "Deux semaines pour co-animer des ateliers de pédagogie avec des instituteurs.",
            ["Pédagogie", "Langues étrangères"],
            False,
        ),
    ],
    "environment": [
        (
            C,
            "Nettoyage des berges",
            "Ramasser et trier les déchets le long de la rivière avec les bénévoles.",
            [],
            False,
        ),
        (
            C,
            "Plantation d'une haie champêtre",
            "Planter 500 arbustes pour recréer un corridor pour la biodiversité.",
            ["Jardinage"],
            False,
        ),
        (
            S,
            "Bilan carbone de l'association",
            "Mesurer les émissions de l'association et proposer un plan de réduction.",
            ["Data et analyse", "Stratégie"],
            True,
        ),
        (
            V,
            "Animation d'un repair café",
            "Aider les visiteurs à réparer petit électroménager et vêtements.",
            ["Bricolage et travaux"],
            False,
        ),
        (
            L,
            "Reforestation participative à Madagascar",
            "Appui à une pépinière villageoise et à la plantation de mangroves.",
            ["Gestion de projet"],
            False,
        ),
    ],
    "health": [
        (
            C,
            "Accueil des donneurs lors d'une collecte",
            "Accueillir, orienter et offrir la collation aux donneurs de sang.",
            [],
            False,
        ),
        (
            V,
            "Visites aux enfants hospitalisés",
            "Jeux et lectures avec les enfants du service de pédiatrie.",
            ["Animation d'ateliers"],
            False,
        ),
        (
            S,
            "Refonte du parcours d'accueil des aidants",
            "Cartographier le parcours des aidants et simplifier les démarches.",
            ["Gestion de projet", "Stratégie"],
            True,
        ),
    ],
    "inclusion": [
        (
            S,
            "Simulations d'entretiens d'embauche",
            "Faire passer des entretiens blancs et donner un retour bienveillant.",
            ["Ressources humaines", "Coaching et mentorat"],
            True,
        ),
        (
            S,
            "Relecture de CV et de lettres de motivation",
            "Aider des personnes en recherche d'emploi à valoriser leur parcours.",
            ["Ressources humaines", "Communication"],
            True,
        ),
        (
            C,
            "Journée sur un chantier d'insertion",
            "Travailler aux côtés des salariés en insertion sur un chantier.",
            ["Bricolage et travaux"],
            False,
        ),
        (
            V,
            "Maraude du soir",
            "Aller à la rencontre des personnes à la rue avec boissons chaudes et écoute.",
            [],
            False,
        ),
    ],
    "digital-inclusion": [
        (
            V,
            "Permanence d'aide aux démarches en ligne",
            "Aider à créer une adresse e-mail, déclarer ses impôts, prendre un rendez-vous.",
            ["Pédagogie"],
            False,
        ),
        (
            S,
            "Reconditionnement d'ordinateurs",
            "Effacer, réinstaller et tester des ordinateurs donnés par des entreprises.",
            ["Cybersécurité"],
            False,
        ),
        (
            S,
            "Refonte du site web de l'association",
            "Moderniser le site, le rendre accessible et facile à mettre à jour.",
            ["Développement web", "Graphisme"],
            True,
        ),
        (
            C,
            "Journée d'initiation au numérique",
            "Animer des ateliers smartphone et visio pour des seniors.",
            ["Animation d'ateliers"],
            False,
        ),
    ],
    "culture": [
        (
            C,
            "Accueil du public d'un festival de quartier",
            "Billetterie, orientation et installation des scènes.",
            ["Logistique"],
            False,
        ),
        (
            S,
            "Plan de communication d'une saison culturelle",
            "Construire le calendrier éditorial et les visuels de la saison.",
            ["Communication", "Marketing digital"],
            True,
        ),
        (
            V,
            "Lectures en maison de retraite",
            "Lire la presse et des nouvelles aux résidents, une fois par semaine.",
            [],
            False,
        ),
    ],
    "humanitarian": [
        (
            C,
            "Préparation de colis humanitaires",
            "Trier, conditionner et étiqueter des kits d'hygiène et de première nécessité.",
            ["Logistique"],
            False,
        ),
        (
            S,
            "Optimisation de la chaîne logistique",
            "Revoir l'entrepôt et les tournées pour livrer plus, plus vite.",
            ["Logistique", "Data et analyse"],
            False,
        ),
        (
            L,
            "Appui à un programme d'accès à l'eau au Bénin",
            "Suivi de chantier de forages et formation des comités de gestion de l'eau.",
            ["Gestion de projet", "Comptabilité et finance"],
            False,
        ),
        (
            S,
            "Stratégie de collecte de fonds",
            "Définir la stratégie de mécénat et les outils de collecte en ligne.",
            ["Levée de fonds", "Stratégie"],
            True,
        ),
    ],
    "animal-welfare": [
        (C, "Journée au refuge", "Nettoyage des boxes, soins et promenades des chiens.", [], False),
        (
            S,
            "Campagne d'adoption sur les réseaux sociaux",
            "Photos, portraits et publications pour faire adopter les pensionnaires.",
            ["Photographie et vidéo", "Communication"],
            True,
        ),
        (
            V,
            "Promenade des chiens le samedi",
            "Sortir les chiens du refuge pour leur balade hebdomadaire.",
            [],
            False,
        ),
    ],
    "food-aid": [
        (
            C,
            "Collecte en supermarché",
            "Tenir un point de collecte de denrées à l'entrée d'un supermarché.",
            [],
            False,
        ),
        (
            V,
            "Distribution de repas du soir",
            "Servir et partager un repas avec les bénéficiaires.",
            ["Cuisine"],
            False,
        ),
        (
            S,
            "Gestion des stocks de l'épicerie solidaire",
            "Mettre en place un outil simple de suivi des stocks et des dates.",
            ["Logistique", "Data et analyse"],
            False,
        ),
        (
            C,
            "Cuisine solidaire anti-gaspillage",
            "Cuisiner des invendus en équipe pour 200 repas.",
            ["Cuisine"],
            False,
        ),
    ],
    "disability": [
        (
            C,
            "Journée sportive inclusive",
            "Co-animer des ateliers de sport adapté avec des personnes handicapées.",
            [],
            False,
        ),
        (
            S,
            "Audit d'accessibilité du site web",
            "Évaluer le site selon le RGAA et prioriser les corrections.",
            ["Développement web"],
            True,
        ),
        (
            V,
            "Accompagnement à une sortie culturelle",
            "Accompagner un petit groupe au musée ou au cinéma.",
            [],
            False,
        ),
    ],
    "elderly": [
        (
            V,
            "Appels de convivialité",
            "Appeler chaque semaine une personne âgée isolée pour prendre des nouvelles.",
            [],
            True,
        ),
        (
            C,
            "Après-midi jeux en résidence seniors",
            "Animer un après-midi de jeux de société et de quiz.",
            ["Animation d'ateliers"],
            False,
        ),
        (
            S,
            "Accompagnement juridique des aidants",
            "Répondre aux questions des aidants sur la protection juridique.",
            ["Droit"],
            True,
        ),
    ],
    "gender-equality": [
        (
            S,
            "Mentorat de femmes en reconversion",
            "Accompagner une femme en reconversion vers un métier du numérique.",
            ["Coaching et mentorat"],
            True,
        ),
        (
            C,
            "Forum des métiers au féminin",
            "Présenter son métier à des lycéennes lors d'un forum.",
            ["Communication"],
            False,
        ),
        (
            S,
            "Conseil juridique pour un centre d'accueil",
            "Aider l'équipe à structurer ses conventions et contrats.",
            ["Droit"],
            True,
        ),
    ],
}
ABROAD = {
    "Formation d'enseignants au Sénégal": "Thiès (Sénégal)",
    "Reforestation participative à Madagascar": "Mahajanga (Madagascar)",
    "Appui à un programme d'accès à l'eau au Bénin": "Parakou (Bénin)",
}
# Where each company's own missions take place: near its sites.
COMPANY_CITIES = {
    GROUP.slug: {"Paris", "Saint-Denis", "Lyon", "Villeurbanne", "Lille", "Roubaix", "Nantes",
                 "Toulouse", "Bordeaux"},
    SME.slug: {"Lyon", "Villeurbanne"},
}  # fmt: skip
# Seats per session, by kind (low, high).
SEATS = {C: (8, 25), S: (1, 3), V: (3, 12), L: (2, 6)}


@dataclass(frozen=True)
class MissionPlan:
    slug: str
    title: str
    kind: str
    summary: str
    association_slug: str
    causes: tuple[str, ...]
    skills: tuple[str, ...]
    is_remote: bool
    city: str
    company_slug: str | None
    visibility: str


def seed_site_tree() -> None:
    """The home page and the catalogue's indexes, before any company is created: each new
    company then gets its own section of the mission tree (settings.CORDEE_COMPANY_PROVISIONERS).
    """
    ensure_site_tree()


def seed(*, scale: DemoScale | None = None) -> None:
    """Create the catalogue's demo data (idempotent) and index it for search."""
    scale = scale or current_scale()
    ensure_causes()
    ensure_skills()
    with _deferred_indexing([AssociationPage, MissionPage]):
        associations, new_associations = ensure_associations(count=scale.associations)
        new_missions = ensure_missions(count=scale.missions, associations=associations)
    reindex(associations=new_associations, missions=new_missions)


@contextmanager
def _deferred_indexing(models: list[type]):
    """Skip Wagtail's search and reference indexing on each save; `reindex` does it once.

    Saving a page with its sessions indexes it several times over (page, then each session for
    the reference index): about half of the seeding time.
    """
    disconnected = [
        model for model in models if post_save.disconnect(post_save_signal_handler, sender=model)
    ]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


def ensure_causes() -> dict[str, Cause]:
    goals = {g.number: g for g in SustainableDevelopmentGoal.objects.all()}
    causes = {c.slug: c for c in Cause.objects.filter(slug__in=CAUSES)}
    for slug, (name, description, sdgs) in CAUSES.items():
        name_en, description_en = CAUSES_EN[slug]
        if slug not in causes:
            cause = Cause(
                slug=slug,
                name=name,
                name_en=name_en,
                description=description,
                description_en=description_en,
            )
            cause.sdgs.set([goals[n] for n in sdgs if n in goals])
            cause.save()
            causes[slug] = cause
        elif not causes[slug].name_en:  # a demo seeded before causes had English names
            Cause.objects.filter(pk=causes[slug].pk).update(
                name_en=name_en, description_en=description_en
            )
    return causes


def ensure_skills() -> dict[str, Skill]:
    skills = {s.slug: s for s in Skill.objects.all()}
    missing = [Skill(name=name, name_en=SKILLS_EN[name], slug=slugify(name)) for name in SKILLS]
    missing = [s for s in missing if s.slug not in skills]
    for skill in Skill.objects.bulk_create(missing):
        skills[skill.slug] = skill
    for name in SKILLS:  # a demo seeded before skills had English names
        skill = skills.get(slugify(name))
        if skill is not None and not skill.name_en:
            Skill.objects.filter(pk=skill.pk).update(name_en=SKILLS_EN[name])
    return skills


def _identifiers(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Fictional RNA numbers (W + 9 digits) and SIREN numbers with a valid Luhn key."""
    out, seen = [], set()
    for i in range(count):
        city = ASSOCIATIONS[i][1]
        while True:
            if i % 4 == 3:  # larger associations are registered with a SIREN
                body = f"{rng.randint(0, 99_999_999):08d}"
                value = ("siren", body + str(_luhn_key(body)))
            else:
                value = ("rna", f"W{CITIES[city][1]}{rng.randint(0, 9_999_999):07d}")
            if value not in seen:
                seen.add(value)
                out.append(value)
                break
    return out


def _luhn_key(body: str) -> int:
    total = 0
    for i, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


@transaction.atomic
def ensure_associations(*, count: int) -> tuple[list[AssociationPage], list[AssociationPage]]:
    """All the demo associations, and those created by this call."""
    rng = random.Random(f"{SEED}-associations")  # noqa: S311 - reproducible demo data
    count = min(count, len(ASSOCIATIONS))
    index = AssociationIndexPage.objects.get()
    causes = {c.slug: c for c in Cause.objects.all()}
    existing = {a.slug: a for a in AssociationPage.objects.child_of(index).specific()}
    identifiers = _identifiers(rng, len(ASSOCIATIONS))
    now = timezone.now()
    result, created = [], []
    for i, (name, city, cause_slugs, summary) in enumerate(ASSOCIATIONS[:count]):
        slug = slugify(name)
        # Draw every random value even for existing rows, so later ones stay the same.
        contact = (rng.choice(_FIRST), rng.choice(_LAST))
        number, street = rng.randint(2, 140), rng.choice(STREETS)
        vetting = "approved"
        if i in (11, 29):  # two associations still under review: the platform admin's queue
            vetting = "pending"
        if slug in existing:
            result.append(existing[slug])
            continue
        kind, identifier = identifiers[i]
        association = AssociationPage(
            title=name,
            slug=slug,
            legal_name=f"Association {name}" if kind == "rna" else name,
            identifier_kind=kind,
            identifier=identifier,
            summary=summary,
            description=(
                f"<p>{escape(summary)}</p><p>{escape(name)} agit à {escape(city)} avec une "
                "équipe de salariés et de bénévoles. Les missions proposées sur Cordée sont "
                "encadrées par un membre de l'équipe.</p>"
            ),
            website=f"https://{slug}.example.org",
            address=f"{number} {street}",
            postcode=CITIES[city][0],
            city=city,
            contact_name=f"{contact[0]} {contact[1]}",
            contact_email=f"contact@{slug}.example.org",
            contact_phone=f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            tax_receipt_eligible=True,
            helps_people_in_difficulty=bool(
                {"food-aid", "humanitarian", "inclusion"} & set(cause_slugs)
            ),
            vetting_status=vetting,
            first_published_at=now,
            last_published_at=now,
        )
        association.causes.set([causes[c] for c in cause_slugs])
        index.add_child(instance=association)
        result.append(association)
        created.append(association)
    return result, created


_FIRST = ["Anne", "Bruno", "Claire", "Didier", "Fanny", "Gilles", "Isabelle", "Jérôme", "Lina"]
_LAST = ["Morel", "Caron", "Lemoine", "Barbier", "Renaud", "Colin", "Vidal", "Giraud", "Rey"]


def plan_missions(*, count: int, associations: list[AssociationPage]) -> list[MissionPlan]:
    """Which missions to create, deterministic for a given count and set of associations.

    About 60 % are platform missions open to everyone, a quarter belong to the group and the
    rest to the SME; each company shares a few of its own with everyone.
    """
    rng = random.Random(f"{SEED}-missions")  # noqa: S311 - reproducible demo data
    approved = [a for a in associations if a.vetting_status == "approved"] or associations
    cause_slugs = {a.pk: [c.slug for c in a.causes.all()] for a in approved}
    kind_weights = {C: 35, S: 30, V: 25, L: 10}
    plans, slugs, titles, shown = [], set(), set(), set()
    for i in range(count):
        share = i / max(count, 1)
        company = None if share < 0.6 else GROUP.slug if share < 0.85 else SME.slug
        visibility = "all" if company is None or rng.random() < 0.15 else "company"
        nearby = [a for a in approved if a.city in COMPANY_CITIES.get(company, ())]
        if company and nearby:
            association = rng.choice(nearby)
        elif i < len(approved):  # every association gets at least one mission
            association = approved[i]
        else:
            association = rng.choice(approved)
        cause = rng.choice(cause_slugs[association.pk] or list(TEMPLATES))
        kind = rng.choices(list(kind_weights), weights=list(kind_weights.values()))[0]
        options = [t for t in TEMPLATES[cause] if t[0] == kind] or TEMPLATES[cause]
        # The same mission twice at one association reads as a duplicate in the catalogue:
        # another of the cause's missions, else another association's.
        fresh = [t for t in options if (t[1], association.slug) not in titles] or [
            t for t in TEMPLATES[cause] if (t[1], association.slug) not in titles
        ]
        if not fresh:
            association, cause, fresh = _unused_template(approved, cause_slugs, titles, rng)
        kind, title, summary, skills, may_be_remote = rng.choice(fresh)
        titles.add((title, association.slug))
        remote = may_be_remote and rng.random() < 0.5
        city = ABROAD.get(title) or ("" if remote else association.city)
        slug = slugify(f"{title}-{association.slug}")[:70].rstrip("-")
        title = _distinct_title(title, city=city, association=association, taken=shown)
        shown.add(title)
        base, n = slug, 1
        while slug in slugs:
            n += 1
            slug = f"{base}-{n}"
        slugs.add(slug)
        extra = [s for s in SKILLS if s not in skills]
        plans.append(
            MissionPlan(
                slug=slug,
                title=title,
                kind=kind,
                summary=summary,
                association_slug=association.slug,
                causes=tuple(dict.fromkeys([cause, *cause_slugs[association.pk]]))[:2],
                skills=tuple(skills) + tuple(rng.sample(extra, k=rng.choice([0, 0, 1]))),
                is_remote=remote,
                city=city,
                company_slug=company,
                visibility=visibility,
            )
        )
    return plans


def _distinct_title(title: str, *, city: str, association: AssociationPage, taken: set) -> str:
    """The template's title, with its place or association when another mission has it: eight
    cards reading "Maraude du soir" look like one mission listed eight times."""
    for candidate in (
        title,
        f"{title} à {city}" if city else f"{title} à distance",
        f"{title} avec {association.title}",
    ):
        if candidate not in taken:
            return candidate
    return f"{title} avec {association.title} ({city or 'à distance'})"


def _unused_template(approved, cause_slugs, titles, rng):
    """An association, one of its causes and the mission templates it does not offer yet."""
    for association in rng.sample(approved, k=len(approved)):
        for cause in cause_slugs[association.pk] or list(TEMPLATES):
            fresh = [t for t in TEMPLATES[cause] if (t[1], association.slug) not in titles]
            if fresh:
                return association, cause, fresh
    raise ValueError("More demo missions than templates: add templates or associations.")


def plan_sessions(
    plan: MissionPlan, rng: random.Random, today: dt.date
) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """1-4 sessions over the next three months, and for a third of missions 1-2 past ones."""
    low, high = SEATS[plan.kind]
    count = 1 if plan.kind == L else rng.randint(1, 4)
    days = sorted(rng.sample(range(3, 90), k=count))
    if rng.random() < 0.33:
        days = sorted(rng.sample(range(-60, -2), k=rng.randint(1, 2))) + days
    sessions = []
    for offset in days:
        day = today + dt.timedelta(days=offset)
        if plan.kind == L:
            day += dt.timedelta(days=(7 - day.weekday()) % 7)  # a leave starts on a Monday
            start, end = _at(day, 9), _at(day + dt.timedelta(days=11), 18)
        elif plan.kind == C:
            day += dt.timedelta(days=(1 - day.weekday()) % 7)  # citizen days on Tuesdays
            day += dt.timedelta(days=rng.choice([0, 1, 2]))
            start, end = _at(day, 9), _at(day, 17)
        elif plan.kind == S:
            if day.weekday() >= 5:  # skills sponsorship happens on working days
                day += dt.timedelta(days=7 - day.weekday())
            hour = rng.choice([9, 10, 14])
            start, end = _at(day, hour), _at(day, hour + rng.choice([2, 3]))
        else:
            if rng.random() < 0.5:
                start, end = _at(day, 18, 30), _at(day, 20, 30)
            else:
                day += dt.timedelta(days=(5 - day.weekday()) % 7)  # a Saturday morning
                start, end = _at(day, 10), _at(day, 12, 30)
        start, end = _clear_of_holidays(start, end)
        sessions.append((start, end, rng.randint(low, high)))
    return sessions


def _clear_of_holidays(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The session a week later while it touches a public holiday: nobody volunteers on
    Christmas Day (a week later keeps the weekday each kind of mission is held on)."""
    while any(
        is_french_public_holiday(start.date() + dt.timedelta(days=n))
        for n in range((end.date() - start.date()).days + 1)
    ):
        start, end = start + dt.timedelta(days=7), end + dt.timedelta(days=7)
    return start, end


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _description(plan: MissionPlan, association: AssociationPage) -> str:
    practical = {
        C: "Une journée en équipe, sur votre temps de travail : repas du midi offert.",
        S: "Vos compétences professionnelles au service de l'association, sur votre temps de "
        "travail.",
        V: "Sur votre temps libre, à votre rythme.",
        L: "Un congé solidaire de deux semaines, préparé avec l'association : transport, "
        "hébergement et formation au départ compris.",
    }[plan.kind]
    place = "À distance." if plan.is_remote else f"Lieu : {plan.city}."
    return (
        f"<p>{escape(plan.summary)}</p><p>Avec {escape(association.title)}. "
        f"{escape(practical)}</p><p>{escape(place)}</p>"
    )


@transaction.atomic
def ensure_missions(*, count: int, associations: list[AssociationPage]) -> list[MissionPage]:
    """Create the planned missions that do not exist yet; returns those created."""
    plans = plan_missions(count=count, associations=associations)
    by_slug = {a.slug: a for a in associations}
    causes = {c.slug: c for c in Cause.objects.all()}
    skills = {s.name: s for s in Skill.objects.all()}
    index = MissionIndexPage.objects.get()
    companies = {c.slug: c for c in Company.objects.filter(slug__in=[GROUP.slug, SME.slug])}
    sections = {slug: c.mission_section for slug, c in companies.items()}
    existing = set(
        MissionPage.objects.filter(slug__in=[p.slug for p in plans]).values_list("slug", flat=True)
    )
    rng = random.Random(f"{SEED}-sessions")  # noqa: S311 - reproducible demo data
    today = timezone.localdate(timezone=PARIS)
    now = timezone.now()
    created = []
    for plan in plans:
        sessions = plan_sessions(plan, rng, today)
        number, street = rng.randint(1, 120), rng.choice(STREETS)
        if plan.slug in existing:
            continue
        if plan.company_slug and plan.company_slug not in sections:
            continue  # the company's seeder did not run: no private missions for it
        association = by_slug[plan.association_slug]
        parent = sections[plan.company_slug] if plan.company_slug else index
        mission = MissionPage(
            title=plan.title,
            slug=plan.slug,
            association=association,
            kind=plan.kind,
            summary=plan.summary,
            description=_description(plan, association),
            is_remote=plan.is_remote,
            address="" if plan.is_remote or plan.kind == L else f"{number} {street}",
            postcode="" if plan.is_remote or plan.city not in CITIES else CITIES[plan.city][0],
            city=plan.city,
            on_work_time=plan.kind != V,
            needs_approval=plan.kind in (S, L),
            visibility=plan.visibility,
            first_published_at=now,
            last_published_at=now,
        )
        mission.causes.set([causes[c] for c in plan.causes])
        mission.skills.set([skills[s] for s in plan.skills if s in skills])
        for start, end, seats in sessions:
            mission.sessions.add(MissionSession(start=start, end=end, seats=seats))
        parent.add_child(instance=mission)
        created.append(mission)
    return created


@transaction.atomic
def reindex(*, associations: list[AssociationPage], missions: list[MissionPage]) -> None:
    """Index the new pages for search, with their causes, skills and association, and record
    their references (association, causes, sessions) for Wagtail's usage reports.

    Even with indexing on save, Wagtail indexes a page before its many-to-many relations are
    written: the related fields the mission list searches on need this pass anyway.
    """
    for page in [*associations, *missions]:
        ReferenceIndex.create_or_update_for_object(page)
    for model, pages in [(AssociationPage, associations), (MissionPage, missions)]:
        # Wagtail leaves parental many-to-many fields out of its prefetching: one query each.
        objects = list(
            model.get_indexed_objects()
            .filter(pk__in=[p.pk for p in pages])
            .prefetch_related("causes", *(["skills"] if model is MissionPage else []))
        )
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objects)
