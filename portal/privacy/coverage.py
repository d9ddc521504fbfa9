"""Which fields of the project's models point to a person, and whether each is accounted for.

A field points to a person when it is a foreign key or one-to-one to the user model or to
`EmployeeProfile`, or when it is a free text (a TextField, or a CharField of 250 characters or
more without choices) that may hold someone's words; a few other fields are listed by hand
(`OTHER_PERSON_FIELDS`). Each contributor of `settings.CORDEE_PERSONAL_DATA` declares the ones
its export covers (`PERSON_FIELDS`: field -> table) and the ones it does not export, with the
reason (`NOT_EXPORTED`). tests/portal/test_privacy_coverage.py fails on any other.

Fields a model inherits from another app (Wagtail's page `owner`, `locked_by`) belong to that app.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from portal.privacy.contributors import contributors

APPS = ("portal", "missions", "donations", "reporting")
FREE_TEXT_MIN_LENGTH = 250
# Person data that is neither a foreign key nor a free text.
OTHER_PERSON_FIELDS = ("missions.SessionMessage.recipient_ids",)


def field_key(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.label}.{field.name}"


def project_models() -> list[type[models.Model]]:
    return [model for app in APPS for model in apps.get_app_config(app).get_models()]


def _is_free_text(field: models.Field) -> bool:
    if isinstance(field, models.TextField):
        return True
    return (
        type(field) is models.CharField
        and not field.choices
        and (field.max_length or 0) >= FREE_TEXT_MIN_LENGTH
    )


def _points_to_a_person(field: models.Field) -> bool:
    from portal.models import EmployeeProfile

    if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
        return False
    target = field.related_model
    if isinstance(target, str):  # a lazy reference not resolved yet
        return target.lower() in {"portal.employeeprofile", "auth.user"}
    return target in (get_user_model(), EmployeeProfile) or (
        target._meta.label in {EmployeeProfile._meta.label, get_user_model()._meta.label}
    )


def person_fields(model_list: Iterable[type[models.Model]]) -> list[str]:
    """Keys of the fields of these models (their own, not inherited) that hold a person."""
    keys = []
    for model in model_list:
        for field in model._meta.get_fields(include_parents=False):
            if getattr(field, "model", None) is not model or field.auto_created:
                continue
            key = field_key(model, field)
            if _points_to_a_person(field) or _is_free_text(field) or key in OTHER_PERSON_FIELDS:
                keys.append(key)
    return keys


def declared() -> tuple[dict[str, str], dict[str, str]]:
    """(covered field -> table, not exported field -> reason), over every contributor."""
    covered: dict[str, str] = {}
    not_exported: dict[str, str] = {}
    for module in contributors():
        covered.update(getattr(module, "PERSON_FIELDS", {}))
        not_exported.update(getattr(module, "NOT_EXPORTED", {}))
    return covered, not_exported


def unaccounted(model_list: Iterable[type[models.Model]] | None = None) -> list[str]:
    """The person fields neither covered by an export table nor listed with a reason."""
    covered, not_exported = declared()
    return [
        key
        for key in person_fields(project_models() if model_list is None else model_list)
        if key not in covered and key not in not_exported
    ]
