"""Two companies with one of everything, for the URL sweep: A's people ask for B's objects.

Every text that belongs to B (company name, people, titles, tags, file contents) carries the
marker ``MARKER``, so a response that leaks B's data is found by a substring search. Nothing
outside B carries it: associations are a shared catalogue, so they are neutral.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import PngImagePlugin

from missions.models import MissionPage
from portal.models import Company, CompanySignOn, EmployeeProfile
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    make_association,
    make_employee,
    make_mission,
    payroll_number_for,
)

# B's unique marker: searched case-insensitively in every 200 answer to A's people.
MARKER = "qzbeta"
# The fixed instant the world is built and swept at (the clock never ticks in the sweep).
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
ROLES = ("employee", "manager", "csr", "payroll", "executive")


@dataclass
class CompanyWorld:
    """One company's objects; `ids` maps a sweep key to the value put in a URL."""

    company: Company
    people: dict[str, EmployeeProfile]
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    a: CompanyWorld
    b: CompanyWorld
    shared: dict[str, str]


def _png(text: str) -> bytes:
    """A tiny PNG whose text chunk carries `text` (found if the original file is served)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _pdf(title: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _company_collection(company: Company):
    """The company's own collection if the project made one, else a new one under the root."""
    from wagtail.models import Collection

    existing = Collection.objects.filter(name__icontains=company.name).first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name=f"{company.name} media")


def _people(company: Company, tag: str) -> dict[str, EmployeeProfile]:
    domain = company.domains.first().domain
    manager = make_employee(
        company,
        email=f"{tag}-manager@{domain}",
        first_name=f"{tag.title()}manager",
        employee_number=f"{tag.upper()}-M1",
    )
    people = {
        "manager": manager,
        "employee": make_employee(
            company,
            email=f"{tag}-employee@{domain}",
            first_name=f"{tag.title()}employee",
            last_name=f"{tag.title()}family",
            employee_number=f"{tag.upper()}-E1",
            department=f"{tag.title()} department",
            manager=manager,
        ),
        "csr": make_employee(
            company,
            email=f"{tag}-csr@{domain}",
            first_name=f"{tag.title()}csr",
            is_csr_officer=True,
        ),
        "payroll": make_employee(
            company,
            email=f"{tag}-payroll@{domain}",
            first_name=f"{tag.title()}payroll",
            is_payroll_officer=True,
            employee_number=f"{tag.upper()}-P1",
        ),
        "executive": make_employee(
            company,
            email=f"{tag}-executive@{domain}",
            first_name=f"{tag.title()}executive",
            is_executive=True,
        ),
    }
    return people


def _build_company(name: str, slug: str, tag: str, association) -> CompanyWorld:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from django.contrib.sites.models import Site
    from taggit.models import Tag
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        CollectionViewRestriction,
        PageViewRestriction,
        UploadedFile,
    )

    from donations.models import Donation, MatchingPolicy
    from donations.services.campaigns import CampaignTerms, create_campaign, launch_campaign
    from donations.services.cards import pay_simulated, start_card_donation
    from donations.services.disbursements import create_disbursement_batch
    from donations.services.payroll import import_net_pay, open_payroll_run
    from donations.services.pledges import PledgeTerms, create_pledge, set_round_up_associations
    from missions.services.approval_links import make_token
    from missions.services.calendar_feed import feed_of
    from missions.services.enrolment import enrol
    from portal.accounts.saml import saml_app_settings
    from portal.scim.models import ScimAccount
    from portal.scim.services import create_token
    from reporting.models import ImpactReport
    from tests.portal.saml_idp import certificate_pem

    company = CompanyFactory(name=name, slug=slug, domains=[f"{slug}.example"])
    people = _people(company, tag)
    world = CompanyWorld(company=company, people=people)
    ids = world.ids
    employee, manager, csr = people["employee"], people["manager"], people["csr"]

    # Personal data: a leaver (whom A's officers must not erase) and the employee's export.
    from portal.models import PersonalDataExport

    leaver = make_employee(
        company,
        email=f"{tag}-leaver@{company.domains.first().domain}",
        first_name=f"{tag.title()}leaver",
        employee_number=f"{tag.upper()}-L1",
        leave_date=dt.date(2026, 1, 31),
    )
    data_export = PersonalDataExport.objects.create(
        profile=employee, status="ready", ready_at=NOW, expires_at=NOW + dt.timedelta(days=7)
    )
    data_export.file.save(data_export.filename(), ContentFile(f"{tag} personal data".encode()))

    # Engagement: a private mission, its session and the employee's enrolment.
    mission = make_mission(
        company=company,
        association=association,
        title=f"{tag.title()} private mission",
        slug=f"{tag}-private-mission",
        summary=f"Only {name} sees this.",
        start=NOW + dt.timedelta(days=14),
    )
    session = mission.sessions.get()
    enrolment = enrol(employee=employee, session_id=session.pk, now=NOW)
    restricted = make_mission(
        company=company,
        association=association,
        title=f"{tag.title()} restricted mission",
        slug=f"{tag}-restricted-mission",
        start=NOW + dt.timedelta(days=21),
    )
    page_restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="sweep-secret"
    )

    # A draft in moderation, with its revision, workflow state, lock and editing session.
    draft = MissionPage(
        association=association,
        title=f"{tag.title()} draft mission",
        slug=f"{tag}-draft-mission",
        summary=f"Draft of {name}",
        kind="citizen_day",
        city="Lyon",
        live=False,
    )
    company.mission_section.add_child(instance=draft)
    revision = draft.save_revision(user=csr.user, log_action=True)
    workflow = draft.get_workflow()
    workflow_state = workflow.start(draft, csr.user) if workflow else None
    draft.refresh_from_db()
    draft.locked, draft.locked_by, draft.locked_at = True, csr.user, NOW
    draft.save(update_fields=["locked", "locked_by", "locked_at"])
    from wagtail.admin.models import EditingSession

    editing = EditingSession.objects.create(
        user=csr.user,
        content_type=ContentType.objects.get_for_model(MissionPage),
        object_id=str(draft.pk),
        last_seen_at=NOW,
    )

    # Giving: round-up pledge, payroll run, card gift, matching policy, disbursement.
    set_round_up_associations(company=company, association_ids=[association.pk])
    with payroll_number_for(employee):
        pledge = create_pledge(
            profile=employee,
            terms=PledgeTerms(rule="cents", allocations={association.pk: 100}),
            consent=True,
            today=NOW.date(),
        )
    policy = MatchingPolicy.objects.create(
        company=company,
        ratio_numerator=1,
        ratio_denominator=1,
        employee_yearly_cap_cents=50_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )
    campaign = create_campaign(
        company=company,
        terms=CampaignTerms(
            kind="giving",
            title=f"{tag} campaign",
            description=f"{tag} campaign text",
            starts_on=NOW.date() - dt.timedelta(days=3),
            ends_on=NOW.date() + dt.timedelta(days=30),
            association_ids=frozenset({association.pk}),
            goal_cents=100_000,
            match_budget_cents=10_000,
            employee_cap_cents=5_000,
        ),
    )
    launch_campaign(campaign=campaign)
    attempt = start_card_donation(donor=employee, association_id=association.pk, amount_cents=4_200)
    pay_simulated(attempt=attempt)
    attempt.refresh_from_db()
    donation = Donation.objects.get(payment=attempt)
    run = open_payroll_run(company=company, month=dt.date(2026, 4, 1))
    import_net_pay(
        run=run,
        data=f"matricule;net_a_payer\n{tag.upper()}-E1;2 345,67\n".encode(),
        filename=f"{tag}-net-pay.csv",
    )
    batch = create_disbursement_batch(company=company, period_end=dt.date(2026, 4, 1))
    # Leave-day donation: the employee's offer, waiting for HR.
    from donations.services.leave_days import offer_leave_days

    leave_request = offer_leave_days(
        profile=employee, association_id=association.pk, days=1, kind="rtt"
    )

    # Impact: an archived report (a small PDF naming the company; WeasyPrint is not under test).
    report = ImpactReport(
        company=company,
        period_kind="year",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        period_year=2026,
        language="en",
        requested_by=people["executive"].user,
        status=ImpactReport.Status.READY,
        progress=100,
        metrics={"company": name},
        finished_at=NOW,
    )
    pdf = _pdf(f"{name} impact report")
    report.checksum = hashlib.sha256(pdf).hexdigest()
    report.save()
    report.pdf.save(report.filename(), ContentFile(pdf))

    # An HR file uploaded and previewed, not confirmed: its joiner carries the tag.
    from portal.people import imports as people_imports

    hr_file = (
        "Matricule;E-mail;Prénom;Nom\n"
        f"HR-{tag};joiner-{tag}@{company.domains.first().domain};{tag.title()};Joiner\n"
    ).encode()
    people_import = people_imports.upload(
        company=company, user=csr.user, name=f"{tag}-rh.csv", data=hr_file
    )
    people_import_fingerprint = people_imports.preview_file(company, hr_file).fingerprint

    # Salary data and the mécénat ledger: a pay grade with the tag, an assignment, a salary
    # file, the fiscal year's figures and a company gift (skills sponsorship in kind).
    from donations.models import CompanyFiscalYear
    from donations.services.company_gifts import record_company_gift
    from portal.models import EmployeePay, PayGrade
    from portal.people.salaries import apply_salary_file

    pay_grade = PayGrade.objects.create(
        company=company, name=f"{tag.title()} grade", monthly_gross_cents=345_600
    )
    EmployeePay.objects.create(
        profile=employee, valid_from=dt.date(2026, 1, 1), grade=pay_grade, source="grade"
    )
    apply_salary_file(
        company=company,
        user=csr.user,
        name=f"{tag}-salaries.csv",
        data=(
            "Matricule;Brut;Charges patronales;Date d'effet\n"
            f"{tag.upper()}-M1;7654,32;3210;01/01/2026\n"
        ).encode(),
    )
    fiscal_year = CompanyFiscalYear.objects.create(
        company=company, year=2026, turnover_cents=98_765_432_100, tax_due_cents=1_234_500
    )
    record_company_gift(
        company=company,
        association=association,
        kind="skills",
        amount_cents=77_700,
        given_on=dt.date(2026, 3, 2),
        source_reference=f"skills:{tag}",
        employee=employee,
        description=f"{tag.title()} skills gift",
    )

    # Media: an image and a document with tags, in the company's collection.
    collection = _company_collection(company)
    image = get_image_model()(
        title=f"{tag.title()} image title",
        collection=collection,
        uploaded_by_user=csr.user,
        file=ImageFile(io.BytesIO(_png(f"{tag} image content")), name=f"{tag}-photo.png"),
    )
    image.save()
    image.tags.add(f"{tag}imagetag")
    document = get_document_model()(
        title=f"{tag.title()} document title",
        collection=collection,
        uploaded_by_user=csr.user,
        file=ContentFile(f"{tag} document content\n".encode(), name=f"{tag}-notes.txt"),
    )
    document.save()
    document.tags.add(f"{tag}doctag")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="sweep-secret",
    )
    uploaded = UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        file=ContentFile(_png(f"{tag} upload"), name=f"{tag}-upload.png"),
        uploaded_by_user=csr.user,
    )
    authenticator = Authenticator.objects.create(
        user=csr.user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    # A passkey (its edit and remove pages take its id), of someone who never signs in here:
    # these stand-in data are no real credential.
    passkey = Authenticator.objects.create(
        user=leaver.user, type=Authenticator.Type.WEBAUTHN, data={"name": f"{tag} key"}
    )
    social_app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=f"{tag}-idp",
        name=f"{company.name} IdP",
        client_id=f"{tag}-client",
        secret="sweep-secret",
        settings={"server_url": "http://127.0.0.1:9/idp"},  # nothing listens there
    )
    sign_on = CompanySignOn.objects.create(
        company=company, social_app=social_app, label=company.name
    )
    # The company's SAML IdP, beside its OpenID Connect one (a company uses one of them; both
    # are here so that every SSO URL is swept). SP metadata is public by design and names its
    # own URLs, so its organisation slug carries no marker.
    saml_app = SocialApp.objects.create(
        provider="saml",
        provider_id=f"saml-{slug[:2]}",
        name="SAML IdP",
        client_id=f"saml-{slug[:2]}",
        settings=saml_app_settings(
            entity_id=f"https://idp.{slug[:2]}.example/",
            sso_url=f"https://idp.{slug[:2]}.example/sso",
            x509cert=certificate_pem(f"idp-{slug[:2]}"),
        ),
    )
    saml_app.sites.add(Site.objects.get_current())
    social_account = SocialAccount.objects.create(
        user=employee.user, provider=social_app.provider_id, uid=f"{tag}-subject"
    )
    social_token = SocialToken.objects.create(
        app=social_app, account=social_account, token=f"{tag}-token"
    )

    ids.update(
        company=company.pk,
        section=company.mission_section.pk,
        mission=mission.pk,
        restricted_mission=restricted.pk,
        mission_path=mission.url_path,
        draft_page=draft.pk,
        revision=revision.pk,
        workflow_state=workflow_state.pk if workflow_state else 0,
        task_state=(workflow_state.current_task_state.pk if workflow_state else 0),
        editing_session=editing.pk,
        page_restriction=page_restriction.pk,
        session=session.pk,
        enrolment=enrolment.pk,
        approval_token=make_token(enrolment=enrolment, approver=manager, action="approve"),
        calendar_token=feed_of(employee).token,
        payment=attempt.pk,
        donation=donation.pk,
        policy=policy.pk,
        campaign=campaign.pk,
        pledge=pledge.pk,
        payroll_run=run.pk,
        batch=batch.pk,
        leave_request=leave_request.pk,
        disbursement=batch.disbursements.get().pk,
        report=report.pk,
        report_path=report.pdf.name,
        people_import=people_import.pk,
        people_import_fingerprint=people_import_fingerprint,
        image=image.pk,
        document=document.pk,
        document_filename=document.filename,
        collection=collection.pk,
        collection_restriction=collection_restriction.pk,
        uploaded_file=uploaded.pk,
        tag=Tag.objects.get(name=f"{tag}imagetag").pk,
        profile=employee.pk,
        csr_profile=csr.pk,
        leaver=leaver.pk,
        leaver_user=leaver.user.pk,
        data_export=data_export.pk,
        user=employee.user.pk,
        csr_user=csr.user.pk,
        email_address=EmailAddress.objects.get(user=employee.user).pk,
        authenticator=authenticator.pk,
        passkey=passkey.pk,
        social_app=social_app.pk,
        saml_org=saml_app.client_id,
        sign_on=sign_on.pk,
        provider_id=social_app.provider_id,
        social_account=social_account.pk,
        social_token=social_token.pk,
        group=(company.csr_group_id or Group.objects.get(name__icontains=company.name).pk),
        statement_year=2026,
        pay_grade=pay_grade.pk,
        fiscal_year=fiscal_year.pk,
    )
    # Contributions, grants and votes: a declaration, a proposal, a grant policy, a vote.
    from donations.services import grants as grant_service
    from donations.services import votes as vote_service
    from missions.services import community

    declared = community.report_hours(
        employee=employee,
        association_id=association.pk,
        done_on=NOW.date() - dt.timedelta(days=2),
        hours="3",
        description=f"{tag} volunteering on my own",
    )
    proposal = community.propose_association(
        employee=employee,
        name=f"{tag.title()} proposed association",
        identifier_kind="siren",
        identifier=f"{sum(map(ord, tag)):09d}",
        reason=f"{tag} reason",
    )
    grant_policy = grant_service.save_grant_policy(
        company=company,
        year=2026,
        terms=grant_service.GrantTerms(
            hours_per_grant=1,
            amount_per_grant_cents=1_000,
            yearly_budget_cents=100_000,
            person_yearly_cap_cents=10_000,
        ),
    )
    second = make_association(title=f"Vote choice {tag[:2]}", slug=f"vote-choice-{tag[:2]}")
    vote = vote_service.open_vote(
        company=company,
        title=f"{tag.title()} staff vote",
        budget_cents=10_000,
        mode="one",
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=7),
        association_ids=[association.pk, second.pk],
    )
    vote_service.cast_ballot(vote_id=vote.pk, employee=employee, allocations={association.pk: 1})
    ids.update(
        self_reported=declared.pk,
        proposal=proposal.pk,
        grant_policy=grant_policy.pk,
        vote=vote.pk,
        association=association.pk,
    )
    # SCIM: the company's provisioning token and the IdP's link to the employee.
    scim_token, scim_secret = create_token(company=company, label=f"{tag} identity provider")
    ScimAccount.objects.create(
        profile=employee, user_name=employee.user.email, external_id=f"{tag}-external-id"
    )
    ids.update(
        scim_token=scim_token.pk,
        scim_secret=scim_secret,
        scim_external_id=f"{tag}-external-id",
    )
    ids.update(_receipts(company, employee, association, tag))
    world.ids = {key: str(value) for key, value in ids.items()}
    return world


def _receipts(company: Company, employee: EmployeeProfile, association, tag: str) -> dict:
    """Tax receipts of the company and its employee in the shared association, and an
    association of the company's own employee (admin member) whose receipts pages are theirs."""
    from django.db import transaction

    from donations.models import DonorAddress, TaxReceipt
    from donations.services.receipts import take_number
    from missions.models import AssociationMembership
    from tests.factories import make_association

    DonorAddress.objects.create(
        profile=employee, street=f"1 rue {tag}", postcode="69001", city="Lyon"
    )
    made = {}
    for key, kind, donor in (
        ("receipt", "employee", employee),
        ("company_receipt", "company", None),
    ):
        with transaction.atomic():
            receipt = TaxReceipt(
                association=association,
                kind=kind,
                origin="issued",
                year=2025,
                number=take_number(association_id=association.pk, year=2025),
                company=company,
                donor=donor,
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31),
                amount_cents=4_200,
                currency="EUR",
                content={"donor": {"name": f"{tag} donor"}},
                issued_at=NOW,
            )
            receipt.pdf.save(f"{tag}-{key}.pdf", ContentFile(_pdf(f"{tag} receipt")), save=False)
            receipt.save()
        made[key] = receipt.pk
    own = make_association(title=f"Receipts Association {company.pk}", tax_receipt_eligible=True)
    AssociationMembership.objects.create(user=employee.user, association=own, role="admin")
    made["own_association"] = own.pk
    return made


# B's rows that no request of A's people may change: (model label, key of B's ids).
WATCHED_ROWS = [
    ("portal.company", "company"),
    ("portal.employeeprofile", "profile"),
    ("portal.employeeprofile", "csr_profile"),
    ("portal.employeeprofile", "leaver"),
    ("auth.user", "leaver_user"),
    ("portal.personaldataexport", "data_export"),
    ("auth.user", "user"),
    ("auth.user", "csr_user"),
    ("auth.group", "group"),
    ("account.emailaddress", "email_address"),
    ("socialaccount.socialapp", "social_app"),
    ("portal.companysignon", "sign_on"),
    ("socialaccount.socialaccount", "social_account"),
    ("wagtailcore.page", "section"),
    ("wagtailcore.page", "mission"),
    ("wagtailcore.page", "draft_page"),
    ("wagtailcore.workflowstate", "workflow_state"),
    ("missions.missionsession", "session"),
    ("missions.enrolment", "enrolment"),
    ("donations.pledge", "pledge"),
    ("donations.paymentattempt", "payment"),
    ("donations.donation", "donation"),
    ("donations.matchingpolicy", "policy"),
    ("donations.campaign", "campaign"),
    ("donations.payrollrun", "payroll_run"),
    ("donations.disbursementbatch", "batch"),
    ("donations.leavedayrequest", "leave_request"),
    ("donations.disbursement", "disbursement"),
    ("missions.associationmembership", "association_membership"),
    ("missions.associationinvitation", "association_invitation"),
    ("reporting.impactreport", "report"),
    ("donations.taxreceipt", "receipt"),
    ("donations.taxreceipt", "company_receipt"),
    ("portal.peopleimport", "people_import"),
    ("portal.paygrade", "pay_grade"),
    ("donations.companyfiscalyear", "fiscal_year"),
    ("wagtailimages.image", "image"),
    ("wagtaildocs.document", "document"),
    ("wagtailcore.collection", "collection"),
    ("scim.scimtoken", "scim_token"),
    ("missions.selfreportedhours", "self_reported"),
    ("missions.associationproposal", "proposal"),
    ("donations.grantpolicy", "grant_policy"),
    ("donations.staffvote", "vote"),
]


def fingerprint(world: CompanyWorld) -> dict[str, object]:
    """What B's watched rows, page subtree, tags and group hold now (to spot a cross write)."""
    from django.apps import apps
    from wagtail.models import Page

    state: dict[str, object] = {}
    for label, key in WATCHED_ROWS:
        rows = apps.get_model(label).objects.filter(pk=world.ids[key]).values()
        state[f"{key} ({label})"] = list(rows)
    section = Page.objects.get(pk=world.ids["section"])
    state["pages under its section"] = list(
        section.get_descendants().order_by("path").values_list("id", "live", "path")
    )
    for key, label in (("image", "wagtailimages.image"), ("document", "wagtaildocs.document")):
        item = apps.get_model(label).objects.get(pk=world.ids[key])
        state[f"{key} tags"] = sorted(item.tags.names())
    state["employees"] = (
        apps.get_model("portal.employeeprofile")
        .objects.filter(company_id=world.ids["company"])
        .count()
    )
    group = Group.objects.get(pk=world.ids["group"])
    state["CSR group members"] = sorted(group.user_set.values_list("pk", flat=True))
    state["CSR group permissions"] = [
        group.permissions.count(),
        apps.get_model("wagtailcore.grouppagepermission").objects.filter(group=group).count(),
        apps.get_model("wagtailcore.groupcollectionpermission").objects.filter(group=group).count(),
    ]
    return state


def _association_people(a: CompanyWorld, b: CompanyWorld, shared_association) -> None:
    """The association workspace's tenants: the shared association (B's mission, session,
    enrolment and disbursement are in its workspace) has a member and an invitation; A's side
    is another association, whose administrator is the sweep's "association" role."""
    from missions.models import AssociationMembership
    from missions.services.association import invitation_token, invite_member
    from tests.factories import make_association_member

    home = make_association(title="Home Association")
    home_admin = make_association_member(home, email="home-admin@home-association.example")
    shared_member = make_association_member(
        shared_association, email="shared-admin@shared-association.example"
    )
    invitation = invite_member(
        association_id=shared_association.pk, email="invited@shared-association.example"
    )
    a.ids.update(home_association=str(home.pk), association_user=str(home_admin.pk))
    b.ids.update(
        association_membership=str(
            AssociationMembership.objects.get(user=shared_member, association=shared_association).pk
        ),
        association_invitation=str(invitation.pk),
        invitation_token=invitation_token(invitation),
    )


def build_world() -> World:
    """A's and B's objects (call with the clock at NOW and a writable MEDIA_ROOT)."""
    from wagtail.models import Site, Task, Workflow

    from missions.services.catalogue import ensure_site_tree

    ensure_site_tree()
    association = make_association(title="Shared Association", tax_receipt_eligible=True)
    a = _build_company("Alpha Industries", "alpha", "alpha", association)
    b = _build_company(f"{MARKER.title()} Conseil", MARKER, MARKER, association)
    from portal.fiscal import FiscalParameter

    _association_people(a, b, association)
    shared = {
        "fiscal_parameter": str(FiscalParameter.objects.order_by("pk").first().pk),
        "association": str(association.pk),
        "site": str(Site.objects.first().pk),
        "workflow": str(Workflow.objects.first().pk),
        "task": str(Task.objects.first().pk),
    }
    for role, profile in a.people.items():
        assert MARKER not in profile.user.email, role
    return World(a=a, b=b, shared=shared)


__all__ = ["MARKER", "NOW", "PASSWORD", "ROLES", "World", "build_world"]
