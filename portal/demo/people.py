"""Demo companies and people: a 2,000-person group, an 80-person SME, one account per role."""

from __future__ import annotations

import functools
import os
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from portal.models import Company, EmployeeProfile
from portal.services import create_company, create_employee

# Printed by `manage.py seed_demo`; every demo account (and every generated employee) uses it.
DEMO_PASSWORD = "cordee-demo-2026"  # noqa: S105 - a published demo password, never a secret
# The TOTP secret of every privileged demo account (second factor, portal/mfa.py): published too.
DEMO_TOTP_SECRET = "CORDEEDEMOTOTPSECRETFORALL234567"  # noqa: S105 - published, demo only
ADMIN_EMAIL = "admin@cordee.example"
SEED = 2026

# A fixed random seed keeps the demo identical from one install to the next.
FIRST_NAMES = [
    "Camille",
    "Julien",
    "Sophie",
    "Marc",
    "Léa",
    "Thomas",
    "Manon",
    "Nicolas",
    "Chloé",
    "Antoine",
    "Inès",
    "Hugo",
    "Emma",
    "Louis",
    "Sarah",
    "Lucas",
    "Clara",
    "Maxime",
    "Laura",
    "Alexandre",
    "Julie",
    "Romain",
    "Pauline",
    "Mathieu",
    "Marion",
    "Guillaume",
    "Céline",
    "Vincent",
    "Élodie",
    "Pierre",
    "Anaïs",
    "Benoît",
    "Mélanie",
    "Olivier",
    "Aurélie",
    "Sébastien",
    "Lucie",
    "Damien",
    "Charlotte",
    "Florian",
    "Margaux",
    "Kévin",
    "Amandine",
    "Yanis",
    "Nadia",
    "Karim",
    "Fatima",
    "Mehdi",
    "Aïcha",
    "Théo",
    "Jeanne",
    "Baptiste",
    "Louise",
    "Quentin",
    "Agathe",
    "Bastien",
    "Océane",
    "Rémi",
    "Salomé",
    "Adrien",
    "Zoé",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Perez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Kone",
    "Mendes",
    "Ferreira",
    "Costa",
    "Pham",
    "Tran",
    "Da Silva",
]


@dataclass(frozen=True)
class DemoScale:
    """How much demo data to make; tests use a small scale, `make demo` the full one."""

    group_employees: int = 2000
    sme_employees: int = 80
    associations: int = 40
    missions: int = 150

    @classmethod
    def named(cls, name: str) -> DemoScale:
        if name == "small":
            return cls(group_employees=30, sme_employees=12, associations=5, missions=10)
        if name == "full":
            return cls()
        raise ValueError(f"Unknown demo scale {name!r} (small or full).")


def current_scale() -> DemoScale:
    """The scale asked for by CORDEE_DEMO_SCALE (small / full, default full)."""
    return DemoScale.named(os.environ.get("CORDEE_DEMO_SCALE", "full"))


@dataclass(frozen=True)
class DemoCompany:
    name: str
    slug: str
    domain: str
    prefix: str
    sites: tuple[tuple[str, int], ...]  # (site, weight)
    departments: tuple[tuple[str, int], ...]  # (department, weight)
    personae: dict[str, tuple[str, str]]  # demo role -> (first name, last name)
    demo_department: str  # where the demo manager and employee work
    csr_department: str  # headed by the demo CSR officer
    payroll_department: str  # where the demo payroll officer works
    committee: int = 1  # how many department directors are executives
    head_office_only: frozenset[str] = frozenset()
    fields: dict = field(default_factory=dict)


GROUP = DemoCompany(
    name="Groupe Horizon",
    slug="horizon",
    domain="horizon.example",
    prefix="HZN",
    sites=(
        ("Paris La Défense", 40),
        ("Lyon Part-Dieu", 20),
        ("Lille Euralille", 12),
        ("Nantes", 10),
        ("Toulouse", 10),
        ("Bordeaux", 8),
    ),
    departments=(
        ("Production", 22),
        ("Commercial", 14),
        ("Logistique", 12),
        ("Relation client", 12),
        ("Systèmes d'information", 10),
        ("Recherche et développement", 8),
        ("Finance", 7),
        ("Marketing", 6),
        ("Ressources humaines", 5),
        ("Juridique", 3),
        ("RSE", 1),
    ),
    personae={
        "executive": ("Hélène", "Marchetti"),
        "csr_officer": ("Sophie", "Lambert"),
        "manager": ("Julien", "Bernard"),
        "employee": ("Camille", "Martin"),
        "payroll_officer": ("Thomas", "Girard"),
    },
    demo_department="Systèmes d'information",
    csr_department="RSE",
    payroll_department="Finance",
    committee=5,
    head_office_only=frozenset({"RSE", "Juridique", "Finance"}),
    fields={
        "yearly_quota_days": 3,
        "approval_required": True,
        "hourly_valuation_cents": 6500,
        "brand_colour": "#1f5f8b",
    },
)
SME = DemoCompany(
    name="Atelier Lumen",
    slug="lumen",
    domain="lumen.example",
    prefix="LUM",
    sites=(("Lyon Croix-Rousse", 70), ("Villeurbanne", 30)),
    departments=(("Atelier", 45), ("Design", 20), ("Commercial", 20), ("Administration", 15)),
    personae={
        "executive": ("Marc", "Aubry"),
        "csr_officer": ("Nora", "Haddad"),
        "manager": ("Karim", "Benali"),
        "employee": ("Léa", "Roux"),
        "payroll_officer": ("Inès", "Morel"),
    },
    demo_department="Atelier",
    csr_department="Administration",
    payroll_department="Administration",
    head_office_only=frozenset({"Administration"}),
    fields={
        "yearly_quota_days": 2,
        "approval_required": False,
        "hourly_valuation_cents": 4500,
        "brand_colour": "#8b3a1f",
        # Its people come from the HR file import (portal/demo/lumen-hr-export.csv to try it).
        "directory_source": "hr_file",
    },
)
DEMO_COMPANIES = (GROUP, SME)


@dataclass
class Person:
    """One employee to create; `manager` is the e-mail of their manager."""

    email: str
    first_name: str
    last_name: str
    site: str
    department: str
    manager: str | None = None
    demo_role: str = ""  # employee, manager, csr_officer, executive…: the printed accounts
    is_executive: bool = False
    is_csr_officer: bool = False
    is_payroll_officer: bool = False
    level: int = 0  # distance from the top: managers are created before their reports


@dataclass(frozen=True)
class DemoAccount:
    role: str
    company: str
    email: str
    name: str


def seed(*, scale: DemoScale | None = None) -> None:
    """Create the demo companies, their people and the platform admin (idempotent)."""
    scale = scale or current_scale()
    ensure_platform_admin()
    ensure_company_people(GROUP, headcount=scale.group_employees)
    ensure_company_people(SME, headcount=scale.sme_employees)
    ensure_demo_second_factors()


def ensure_demo_second_factors() -> None:
    """Privileged demo accounts sign in with a password, so they get a TOTP authenticator with
    the published demo secret (`manage.py demo_totp_code` prints the current code)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from portal.mfa import is_privileged

    user_model = get_user_model()
    users = user_model.objects.filter(
        models.Q(is_superuser=True)
        | models.Q(profile__is_csr_officer=True)
        | models.Q(profile__is_payroll_officer=True)
        | models.Q(profile__is_executive=True)
    ).exclude(authenticator__type=Authenticator.Type.TOTP)
    for user in users.select_related("profile"):
        if is_privileged(user):
            TOTP.activate(user, DEMO_TOTP_SECRET)


def demo_password_hash() -> str:
    """The demo password hashed once per hasher: hashing takes about a second each time."""
    return _hash_with(settings.PASSWORD_HASHERS[0])


@functools.cache
def _hash_with(hasher_path: str) -> str:
    return make_password(DEMO_PASSWORD)


def ensure_platform_admin() -> None:
    user_model = get_user_model()
    if user_model.objects.filter(email=ADMIN_EMAIL).exists():
        return
    from allauth.account.models import EmailAddress

    admin = user_model(
        username=ADMIN_EMAIL,
        email=ADMIN_EMAIL,
        first_name="Alex",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
        password=demo_password_hash(),
    )
    admin.save()
    EmailAddress.objects.create(user=admin, email=ADMIN_EMAIL, verified=True, primary=True)


def ensure_company(spec: DemoCompany) -> Company:
    company = Company.objects.filter(slug=spec.slug).first()
    if company is None:
        company = create_company(
            name=spec.name, slug=spec.slug, domains=[spec.domain], **spec.fields
        )
    return company


@transaction.atomic
def ensure_company_people(spec: DemoCompany, *, headcount: int) -> Company:
    """Create whoever of the company's planned staff is missing, managers first."""
    company = ensure_company(spec)
    people = plan_people(spec, headcount=headcount)
    user_model = get_user_model()
    existing = dict(
        EmployeeProfile.objects.filter(company=company).values_list("user__email", "pk")
    )
    numbers = {p.email: f"{spec.prefix}-{i + 1:05d}" for i, p in enumerate(people)}
    for level in sorted({p.level for p in people}):
        todo = [p for p in people if p.level == level and p.email not in existing]
        if not todo:
            continue
        for person in [p for p in todo if p.demo_role]:
            # Demo accounts go through the services, exactly like real people.
            profile = create_employee(
                company=company,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                employee_number=numbers[person.email],
                department=person.department,
                site=person.site,
                manager_id=existing.get(person.manager),
                is_csr_officer=person.is_csr_officer,
                is_executive=person.is_executive,
                is_payroll_officer=person.is_payroll_officer,
            )
            user_model.objects.filter(pk=profile.user_id).update(password=demo_password_hash())
            existing[person.email] = profile.pk
        bulk = [p for p in todo if not p.demo_role]
        if bulk:
            existing.update(_bulk_create_people(company, bulk, numbers=numbers, managers=existing))
    return company


def _bulk_create_people(
    company: Company,
    people: list[Person],
    *,
    numbers: dict[str, str],
    managers: dict[str, int],
) -> dict[str, int]:
    """Insert users, verified e-mails and profiles in a few statements (2,000 people in ~1 s)."""
    from allauth.account.models import EmailAddress

    user_model = get_user_model()
    password_hash = demo_password_hash()
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=p.email,
                email=p.email,
                first_name=p.first_name,
                last_name=p.last_name,
                password=password_hash,
            )
            for p in people
        ],
        batch_size=500,
    )
    if any(u.pk is None for u in users):  # a backend that does not return ids
        ids = dict(
            user_model.objects.filter(email__in=[p.email for p in people]).values_list(
                "email", "pk"
            )
        )
        for user in users:
            user.pk = ids[user.email]
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=500,
    )
    EmployeeProfile.objects.bulk_create(
        [
            EmployeeProfile(
                user=user,
                company=company,
                employee_number=numbers[p.email],
                department=p.department,
                site=p.site,
                manager_id=managers.get(p.manager),
                is_executive=p.is_executive,
                is_csr_officer=False,  # CSR officers need their admin group: services only
            )
            for p, user in zip(people, users, strict=True)
        ],
        batch_size=500,
    )
    return dict(
        EmployeeProfile.objects.filter(
            company=company, user__email__in=[p.email for p in people]
        ).values_list("user__email", "pk")
    )


def plan_people(spec: DemoCompany, *, headcount: int) -> list[Person]:
    """The company's staff, deterministic for a given headcount: who works where, for whom.

    Shape: the chief executive; a director per department (the largest ones sit on the
    executive committee); per site and department a lead when the team is large; teams of 7
    to 13 under team managers. The demo manager leads a real team that includes the demo
    employee, so approvals can be tried end to end.
    """
    rng = random.Random(f"{SEED}-{spec.slug}")  # noqa: S311 - reproducible demo data
    names = _NameSource(rng, spec.domain)
    main_site = spec.sites[0][0]

    def persona(role: str, site: str, department: str, **fields) -> Person:
        first, last = spec.personae[role]
        email = f"{role.split('_')[0]}@{spec.domain}"
        return names.person(
            site,
            department,
            email=email,
            first_name=first,
            last_name=last,
            demo_role=role,
            **fields,
        )

    ceo = persona("executive", main_site, "Direction générale", is_executive=True)
    people = [ceo]
    directors: dict[str, Person] = {}
    for rank, (department, _weight) in enumerate(spec.departments):
        if department == spec.csr_department:
            # The demo CSR officer runs the programme and reports to the chief executive.
            director = persona("csr_officer", main_site, department, is_csr_officer=True)
        else:
            director = names.person(main_site, department, is_executive=rank < spec.committee)
        director.manager, director.level = ceo.email, 1
        directors[department] = director
        people.append(director)

    payroll = persona(
        "payroll_officer", main_site, spec.payroll_department, is_payroll_officer=True
    )
    payroll.manager, payroll.level = directors[spec.payroll_department].email, 2
    people.append(payroll)
    manager = persona("manager", main_site, spec.demo_department)
    manager.manager, manager.level = directors[spec.demo_department].email, 2
    employee = persona("employee", main_site, spec.demo_department)
    employee.manager, employee.level = manager.email, 3
    people += [manager, employee]
    for _ in range(min(6, max(headcount - len(people), 0))):
        mate = names.person(main_site, spec.demo_department)
        mate.manager, mate.level = manager.email, 3
        people.append(mate)

    for (site, department), size in _split(max(headcount - len(people), 0), spec).items():
        lead = directors[department]
        if size > 14 and site != main_site:
            lead = names.person(site, department)
            lead.manager, lead.level = directors[department].email, 2
            people.append(lead)
            size -= 1
        while size > 0:
            team = min(size, rng.randint(7, 13))
            boss = names.person(site, department)
            boss.manager, boss.level = lead.email, lead.level + 1
            people.append(boss)
            for _ in range(team - 1):
                member = names.person(site, department)
                member.manager, member.level = boss.email, boss.level + 1
                people.append(member)
            size -= team
    return people


def _split(total: int, spec: DemoCompany) -> dict[tuple[str, str], int]:
    """Share `total` people among site x department cells by weight; RSE stays at the seat."""
    cells = {}
    for site, site_weight in spec.sites:
        for department, dep_weight in spec.departments:
            if department in spec.head_office_only and site != spec.sites[0][0]:
                continue
            cells[(site, department)] = site_weight * dep_weight
    weight = sum(cells.values())
    shares = {cell: total * w // weight for cell, w in cells.items()}
    leftover = total - sum(shares.values())
    for cell in sorted(cells, key=lambda c: -cells[c])[:leftover]:
        shares[cell] += 1
    return shares


class _NameSource:
    """Plausible, unique French names and their e-mail addresses."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self.rng, self.domain, self.taken = rng, domain, set()

    def person(self, site: str, department: str, *, email: str = "", **fields) -> Person:
        first = fields.pop("first_name", None) or self.rng.choice(FIRST_NAMES)
        last = fields.pop("last_name", None) or self.rng.choice(LAST_NAMES)
        if not email:
            local = f"{_ascii(first)}.{_ascii(last)}"
            email, n = f"{local}@{self.domain}", 1
            while email in self.taken:
                n += 1
                email = f"{local}{n}@{self.domain}"
        self.taken.add(email)
        return Person(
            email=email,
            first_name=first,
            last_name=last,
            site=site,
            department=department,
            **fields,
        )


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def demo_accounts() -> Iterator[DemoAccount]:
    """The accounts to print: one per role per company, and the platform admin."""
    labels = {
        "employee": "Employee",
        "manager": "Manager",
        "csr_officer": "CSR officer",
        "executive": "Executive",
        "payroll_officer": "Payroll officer",
    }
    yield DemoAccount("Platform admin", "—", ADMIN_EMAIL, "Alex Admin")
    for spec in DEMO_COMPANIES:
        for prefix, label in [
            ("employee", labels["employee"]),
            ("manager", labels["manager"]),
            ("csr", labels["csr_officer"]),
            ("executive", labels["executive"]),
            ("payroll", labels["payroll_officer"]),
        ]:
            email = f"{prefix}@{spec.domain}"
            profile = (
                EmployeeProfile.objects.filter(user__email=email).select_related("user").first()
            )
            if profile is not None:
                yield DemoAccount(label, spec.name, email, profile.display_name)
    # Association workspace accounts (seeded by the missions app; found by relation names, as
    # portal imports no app): the first few; seed_demo says how the others are named.
    users = (
        get_user_model()
        .objects.filter(
            profile__isnull=True,
            association_memberships__is_active=True,
            email__startswith="contact@",
            email__endswith=".example",
        )
        .distinct()
        .order_by("email")
    )
    for user in users[:5]:
        association = user.association_memberships.values_list("association__title", flat=True)
        yield DemoAccount("Association admin", "—", user.email, association.first() or "")
