"""Every model and field of Cordée's Wagtail admin speaks French (and English): translated
names, a help text wherever a CSR officer or the platform admin fills a field, "Ajouter une
session" rather than "Ajouter un(e) Session", and booleans shown as words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import get_page_models

OUR_APPS = {"portal", "missions", "donations", "reporting"}

# Fields that may go without a help text, each with its reason.
NO_HELP_TEXT_NEEDED = {
    # Wagtail's own page fields: Wagtail labels and explains them (promote tab, title).
    "*.title": "Wagtail's page title, labelled by Wagtail",
    "*.slug": "Wagtail's page slug, explained by Wagtail",
    "*.seo_title": "Wagtail's promote tab",
    "*.search_description": "Wagtail's promote tab",
    "*.show_in_menus": "Wagtail's promote tab",
    "*.go_live_at": "Wagtail's scheduled publishing",
    "*.expire_at": "Wagtail's scheduled publishing",
    "*.comment_notifications": "Wagtail's comments",
    # Self-explanatory once the label says it: a name, an address line, a phone number.
    "companysignon.email_claim": "explained by the attribute mapping panel's help text",
    "companysignon.first_name_claim": "explained by the attribute mapping panel's help text",
    "companysignon.last_name_claim": "explained by the attribute mapping panel's help text",
    "companysignon.employee_number_claim": "explained by the attribute mapping panel's help text",
    "companysignon.department_claim": "explained by the attribute mapping panel's help text",
    "companysignon.site_claim": "explained by the attribute mapping panel's help text",
    "companysignon.manager_claim": "explained by the attribute mapping panel's help text",
    "companysignon.language_claim": "explained by the attribute mapping panel's help text",
    "company.name": "the company's name, as people read it",
    "associationpage.legal_name": "the name on the association's statutes",
    "associationpage.address": "a street address",
    "associationpage.postcode": "a postcode",
    "associationpage.city": "a city",
    "associationpage.contact_name": "a person's name",
    "associationpage.contact_email": "an e-mail address",
    "associationpage.contact_phone": "a phone number",
    "associationpage.logo": "an image chooser",
    "associationpage.description": "the association's presentation, free text",
    "missionpage.address": "a street address",
    "missionpage.postcode": "a postcode",
    "missionpage.city": "a city",
    "missionpage.description": "the mission's presentation, free text",
    "company.logo": "an image chooser",
    "employeeprofile.department": "the person's department, as HR names it",
    "employeeprofile.site": "the person's site, as HR names it",
}


# Wagtail's own fields that Wagtail labels in its templates rather than on the form field.
WAGTAIL_LABELS = {"comment_notifications"}


def our_admin_models():
    """(name, model, form class) of every model the admin edits: pages, snippets, viewsets."""
    admin_viewsets.populate()
    found = {}
    for model in get_page_models():
        if model._meta.app_label in OUR_APPS and not model._meta.abstract:
            found[model._meta.label] = (model, model.get_edit_handler().get_form_class())
    for viewset in admin_viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(viewset, ModelViewSet) and model._meta.app_label in OUR_APPS:
            found[model._meta.label] = (model, viewset.get_edit_handler().get_form_class())
    return found


def form_fields(form_class):
    """(model, field name, form field) of a form and of its inline formsets (ours only:
    Wagtail's own comments formset is Wagtail's business)."""
    model = form_class._meta.model
    if model._meta.app_label not in OUR_APPS:
        return
    for name, field in form_class.base_fields.items():
        yield model, name, field
    for formset in getattr(form_class, "formsets", {}).values():
        yield from form_fields(formset.form)


def msgid(text) -> str | None:
    """The source string of a lazy translation (None for a plain string)."""
    # capfirst() of a lazy string is lazy too, wrapping the translation: unwrap it.
    while isinstance(text, Promise):
        if not text._args:
            return None
        text = text._args[0]
    return text if isinstance(text, str) else None


def french_catalogue() -> dict:
    with translation.override("fr"):
        return translation.trans_real.translation("fr")._catalog


def is_translated(text, catalogue) -> bool:
    source = msgid(text)
    if source is None:
        return False
    return source in catalogue or (source[:1].upper() + source[1:]) in catalogue


def model_field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:  # a form-only field (e.g. the company's e-mail domains)
        return None


def allowed(model_name: str, name: str) -> bool:
    return f"*.{name}" in NO_HELP_TEXT_NEEDED or f"{model_name}.{name}" in NO_HELP_TEXT_NEEDED


def label_source(model, name, field):
    """What names the field: the model field's verbose name, else the form field's label."""
    verbose_name = getattr(model_field(model, name), "verbose_name", None)
    if msgid(verbose_name) is not None and not isinstance(field.label, Promise):
        return verbose_name
    return field.label


def test_the_walk_finds_the_admin_models():
    labels = set(our_admin_models())
    assert {
        "missions.MissionPage",
        "missions.AssociationPage",
        "missions.Cause",
        "missions.Skill",
        "portal.Company",
        "portal.CompanyRules",
        "portal.EmployeeProfile",
        "portal.CompanySignOn",
    } <= labels


def test_every_admin_model_has_translated_names():
    catalogue = french_catalogue()
    missing = []
    for label, (model, _form) in our_admin_models().items():
        for attribute in ("verbose_name", "verbose_name_plural"):
            value = getattr(model._meta, attribute)
            if not is_translated(value, catalogue):
                missing.append(f"{label}.{attribute} = {value!r}")
    assert missing == []


def test_every_editable_field_has_a_french_label_and_a_help_text():
    catalogue = french_catalogue()
    unlabelled, unexplained, untranslated_help = [], [], []
    for _label, (_model, form_class) in our_admin_models().items():
        for owner, name, field in form_fields(form_class):
            model_name = owner._meta.model_name
            source = label_source(owner, name, field)
            if name not in WAGTAIL_LABELS and not is_translated(source, catalogue):
                unlabelled.append(f"{model_name}.{name}: {source!r}")
            mf = model_field(owner, name)
            help_text = field.help_text or getattr(mf, "help_text", "")
            if not help_text:
                if not allowed(model_name, name):
                    unexplained.append(f"{model_name}.{name}")
            elif not is_translated(help_text, catalogue) and not allowed(model_name, name):
                untranslated_help.append(f"{model_name}.{name}: {help_text!r}")
    assert unlabelled == []
    assert unexplained == []
    assert untranslated_help == []


def test_allow_list_names_only_real_fields():
    fields = {
        f"{owner._meta.model_name}.{name}"
        for _label, (model, form_class) in our_admin_models().items()
        for owner, name, _field in form_fields(form_class)
    }
    names = {f.split(".", 1)[1] for f in fields}
    stale = [
        key
        for key in NO_HELP_TEXT_NEEDED
        if (key.startswith("*.") and key[2:] not in names)
        or (not key.startswith("*.") and key not in fields)
    ]
    assert stale == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "french", "english"),
    [
        ("wagtailsnippets_missions_cause:list", "Ajouter une cause", "Add a cause"),
        ("wagtailsnippets_missions_skill:list", "Ajouter une compétence", "Add a skill"),
        ("companies:index", "Ajouter une entreprise", "Add a company"),
    ],
)
def test_add_buttons_read_as_sentences(admin_client, url_name, french, english):
    client = admin_client
    for language, text in (("fr", french), ("en", english)):
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        html = client.get(reverse(url_name)).content.decode()
        assert text in html, (language, text)
        assert "un(e)" not in html


@pytest.mark.django_db
def test_mission_editor_adds_a_session_in_a_sentence(admin_client, site_tree):
    from missions.models import MissionIndexPage

    client = admin_client
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    index = MissionIndexPage.objects.get()
    html = client.get(
        reverse("wagtailadmin_pages:add", args=["missions", "missionpage", index.pk])
    ).content.decode()
    assert "Ajouter une session" in html
    assert "un(e)" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["people:index", "companies:index", "company_sign_on:index"])
def test_listings_show_booleans_as_words(admin_client, company_a, url_name):
    from tests.factories import make_employee

    make_employee(company_a, is_csr_officer=True)
    client = admin_client
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get(reverse(url_name)).content.decode()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells]
    assert not [t for t in texts if t in ("True", "False")]
    assert "Display name" not in html and "Display Name" not in html


@pytest.mark.parametrize(
    "make_form",
    [
        lambda: __import__("donations.forms").forms.MatchingPolicyForm(currency="EUR"),
        lambda: __import__("donations.forms").forms.GivingSettingsForm(currency="EUR"),
        lambda: __import__("donations.forms").forms.RoundUpAssociationsForm(),
    ],
    ids=["matching policy", "pledge bounds", "round-up associations"],
)
@pytest.mark.django_db
def test_csr_giving_forms_explain_every_field_in_french(make_form):
    catalogue = french_catalogue()
    with translation.override("fr"):
        form = make_form()
        for name, field in form.fields.items():
            assert field.help_text, name
            assert is_translated(field.help_text, catalogue), (name, field.help_text)


@pytest.mark.django_db
def test_people_listing_names_its_first_column_and_links_to_each_person(admin_client, company_a):
    from tests.factories import make_employee

    person = make_employee(company_a, first_name="Inès", last_name="Morel")
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = admin_client.get(reverse("people:index")).content.decode()
    headers = [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.S)
    ]
    assert "Nom" in headers, headers
    assert reverse("people:edit", args=[person.pk]) in html
