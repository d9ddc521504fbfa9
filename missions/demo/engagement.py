"""Demo engagement: past sessions with attendance and feedback, pending approvals, waitlists."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from missions.exceptions import EngagementError
from missions.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Feedback,
    MissionPage,
    MissionSession,
    SessionMessage,
    Skill,
)
from missions.services import notifications
from missions.services.enrolment import enrol, quota_of, work_time_hours
from portal.models import Company, EmployeeProfile

S = EnrolmentStatus
SEED = 20261121
COMMENTS = [
    "Une équipe accueillante, on a vu l'impact concret de la journée.",
    "Très bien organisé, j'y retourne au printemps.",
    "Utile et humain ; un peu court à mon goût.",
    "J'ai appris autant que j'ai donné.",
    "On nous a tout expliqué, on s'est sentis utiles dès la première heure.",
    "Une belle façon de connaître des collègues d'autres services.",
    "Le rythme était soutenu mais l'ambiance excellente.",
    "J'aurais aimé plus de temps pour échanger avec les bénéficiaires.",
    "Mission concrète, résultat visible le soir même : très motivant.",
    "Mes compétences ont vraiment servi, l'équipe a gagné des semaines de travail.",
    "Accueil chaleureux ; prévoir des chaussures de marche !",
    "",
]


def seed(*, scale=None) -> None:
    """Seed each demo company's engagement once (a company with enrolments is left alone)."""
    with notifications.suppressed():
        for company in Company.objects.filter(slug__in=["horizon", "lumen"]).order_by("pk"):
            if Enrolment.objects.filter(employee__company=company).exists():
                continue
            seed_company(company, rng=random.Random(f"{SEED}-{company.slug}"))  # noqa: S311 demo data


def _sessions(company: Company):
    visible = MissionPage.objects.live().filter(Q(visibility="all") | Q(company=company))
    return MissionSession.objects.filter(mission__in=visible).select_related("mission")


def _persona(company: Company, prefix: str) -> EmployeeProfile | None:
    domain = company.domains.values_list("domain", flat=True).first()
    return EmployeeProfile.objects.filter(user__email=f"{prefix}@{domain}").first()


@transaction.atomic
def seed_company(company: Company, *, rng: random.Random) -> None:
    now = timezone.now()
    people = list(
        EmployeeProfile.objects.filter(company=company).select_related("user").order_by("pk")
    )
    if not people:
        return
    employee, manager = _persona(company, "employee"), _persona(company, "manager")
    _past(company, people, rng=rng, now=now, employee=employee)
    upcoming = list(_sessions(company).filter(start__gt=now + dt.timedelta(days=3)))
    rng.shuffle(upcoming)
    if employee is not None:
        for session in upcoming[:2]:
            if _fits_the_demo_employee(employee, session, company):
                _try(employee, session)
    _waitlist(company, upcoming[2:], people, rng=rng, employee=employee)
    _pending_for(manager, company, upcoming[5:], rng=rng, employee=employee)
    # The CSR home's demo to-do, never with the main employee (her quota stays for the tour).
    _csr_to_do(company, [p for p in people if p != employee], rng=rng, now=now)


def _csr_to_do(company, people, *, rng, now) -> None:
    """What the CSR home shows: a session just held whose attendance waits to be recorded, and
    a message already written to the participants of an upcoming one."""
    csr = _persona(company, "csr")
    if csr is None:
        return
    just_held = (
        _sessions(company)
        .filter(end__lt=now, end__gte=now - dt.timedelta(days=3), cancelled_at__isnull=True)
        .order_by("-end")
        .first()
    )
    if just_held is not None:
        for person in rng.sample(people, k=min(len(people), 3, just_held.seats)):
            Enrolment.objects.get_or_create(
                employee=person,
                session=just_held,
                defaults={
                    "status": S.CONFIRMED,
                    "quota_hours": work_time_hours(
                        session=just_held, mission=just_held.mission, company=company
                    ),
                },
            )
    written_to = _session_to_write_to(company, people, rng=rng, now=now)
    if written_to is not None:
        recipients = list(
            Enrolment.objects.filter(
                session=written_to, employee__company=company, status=S.CONFIRMED
            )
            .order_by("employee_id")
            .values_list("employee_id", flat=True)
        )
    if written_to is not None and recipients:
        SessionMessage.objects.create(
            session=written_to,
            company=company,
            sent_by=csr,
            subject="Point de rendez-vous",
            body="Rendez-vous à 8 h 45 devant l'entrée principale. Prévoyez des gants.",
            recipient_ids=recipients,
            recipient_count=len(recipients),
            sent_at=now,
        )


def _fits_the_demo_employee(employee: EmployeeProfile, session: MissionSession, company) -> bool:
    """Whether the demo's main employee may hold this session and still book a citizen day.

    The README's tour has her enrol in a work-time mission: her history must leave her a whole
    day of quota in every fiscal year, and never two sessions at the same time.
    """
    overlapping = Enrolment.objects.filter(
        employee=employee, session__start__lt=session.end, session__end__gt=session.start
    )
    if overlapping.exists():
        return False
    # An attended session counts its recorded hours (up to its length), others their work time.
    hours = work_time_hours(session=session, mission=session.mission, company=company)
    if hours and session.end < timezone.now():
        hours = max(hours, session.duration_hours)
    quota = quota_of(employee=employee, moment=session.start)
    return quota.left_hours - hours >= company.hours_per_day


def _try(person: EmployeeProfile, session: MissionSession, *, waitlist: bool = False):
    try:
        return enrol(employee=person, session_id=session.pk, waitlist_if_full=waitlist)
    except EngagementError:
        return None


def _past(company, people, *, rng, now, employee) -> None:
    """Attendance and feedback of sessions already held (created directly: enrol refuses)."""
    past = list(_sessions(company).filter(end__lt=now - dt.timedelta(days=4)).order_by("start"))
    skills = list(Skill.objects.all())
    for session in past[:12]:
        cap = min(session.seats, 10)  # small sessions (1-2 seats) exist too
        chosen = rng.sample(people, k=min(len(people), rng.randint(min(3, cap), cap)))
        if employee is not None and employee not in chosen and rng.random() < 0.5:
            chosen.append(employee)
        if employee in chosen and not _fits_the_demo_employee(employee, session, company):
            chosen.remove(employee)
        for person in chosen:
            if Enrolment.objects.filter(employee=person, session=session).exists():
                continue
            status = S.NO_SHOW if rng.random() < 0.1 else S.ATTENDED
            hours = session.duration_hours if status == S.ATTENDED else None
            if hours is not None and rng.random() < 0.15:
                hours = max(Decimal("1.00"), hours - Decimal("1.00"))
            enrolment = Enrolment.objects.create(
                employee=person,
                session=session,
                status=status,
                hours=hours,
                quota_hours=work_time_hours(
                    session=session, mission=session.mission, company=company
                ),
                attendance_recorded_at=session.end + dt.timedelta(days=3),
                survey_sent_at=session.end + dt.timedelta(days=3),
            )
            EnrolmentEvent.objects.bulk_create(
                [
                    EnrolmentEvent(enrolment=enrolment, actor=person, to_status=S.CONFIRMED),
                    EnrolmentEvent(enrolment=enrolment, from_status=S.CONFIRMED, to_status=status),
                ]
            )
            if status == S.ATTENDED and rng.random() < 0.7:
                feedback = Feedback.objects.create(
                    enrolment=enrolment,
                    satisfaction=rng.choices([2, 3, 4, 5], weights=[1, 2, 5, 6])[0],
                    meaning=rng.choices([2, 3, 4, 5], weights=[1, 2, 4, 7])[0],
                    would_recommend=rng.random() < 0.85,
                    comment=rng.choice(COMMENTS),
                    consent_to_quote=rng.random() < 0.5,
                )
                if skills:
                    feedback.skills_developed.set(rng.sample(skills, k=min(2, len(skills))))


def _waitlist(company, sessions, people, *, rng, employee) -> None:
    """Fill one small session to its last seat and line a few people up behind it."""
    small = sorted(sessions, key=lambda s: s.seats)[:1]
    for session in small:
        queue = [p for p in people if p != employee]
        rng.shuffle(queue)
        for person in queue[: session.seats + 3]:
            _try(person, session, waitlist=True)
        if employee is not None:
            _try(employee, session, waitlist=True)


def _pending_for(manager, company, sessions, *, rng, employee=None) -> None:
    """Requests awaiting the demo manager (work-time missions of a company that asks approval)."""
    if manager is None:
        return
    reports = list(manager.reports.all()[:4])
    work_time = [s for s in sessions if s.mission.is_work_time]
    for person, session in zip(reports, work_time, strict=False):
        if person == employee and not _fits_the_demo_employee(person, session, company):
            continue
        _try(person, session)


def _session_to_write_to(company, people, *, rng, now) -> MissionSession | None:
    """An upcoming session of the company's own missions with two confirmed colleagues (seated
    directly: in a company that asks approval, demo enrolments would still be pending)."""
    session = (
        _sessions(company)
        .filter(mission__company=company, start__gt=now, cancelled_at__isnull=True)
        .with_seats_left()
        .filter(seats_left__gte=2)
        .order_by("start", "pk")
        .first()
    )
    if session is None:
        return None
    personas = {"employee", "manager", "csr", "payroll", "executive"}
    colleagues = [
        p
        for p in people
        if p.user.email.split("@")[0] not in personas
        and not Enrolment.objects.filter(employee=p, session=session).exists()
    ]
    for person in rng.sample(colleagues, k=min(2, len(colleagues))):
        Enrolment.objects.create(
            employee=person,
            session=session,
            status=S.CONFIRMED,
            quota_hours=work_time_hours(session=session, mission=session.mission, company=company),
        )
    return session
