"""The SCIM resources Cordée speaks, as scim2-models classes, and the discovery documents.

- `Person`: the core User with the Enterprise User extension (employeeNumber, department,
  manager) and Cordée's employment extension (hireDate, leaveDate).
- Two deliberate relaxations of the library's strict reading, because the identity providers
  send them: a manager without `$ref` (neither Entra ID nor Okta sends one) and an e-mail
  whose domain is a reserved name (`.example`, `.local`: test and demo tenants); the company's
  own domains are checked by `apply_person` anyway.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Union

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Email,
    EnterpriseUser,
    ETag,
    Extension,
    Filter,
    Patch,
    Reference,
    Required,
    ResourceType,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models.resources.enterprise_user import Manager

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
EMPLOYMENT = "urn:ietf:params:scim:schemas:extension:cordee:2.0:User"
MAX_RESULTS = 200

# Entra ID replaces `emails[type eq "work"].value` on a person who has no work e-mail yet.
POLICY = ScimPolicy(unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)


class PersonManager(Manager):
    ref: Annotated[Reference["User"] | None, Required.false] = Field(  # noqa: UP037
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class Enterprise(EnterpriseUser):
    manager: PersonManager | None = None


class Employment(Extension):
    """Cordée's extension: employment dates, when the HR system behind the IdP has them."""

    __schema__ = URN(EMPLOYMENT)

    hire_date: datetime.date | None = None
    """The first day of employment."""

    leave_date: datetime.date | None = None
    """The last day of employment."""


class WorkEmail(Email):
    value: str | None = None
    """E-mail address of the person (one of the company's domains)."""


class Person(User[Union[Enterprise, Employment]]):  # noqa: UP007 (scim2-models needs a Union)
    emails: list[WorkEmail] | None = None


def service_provider_config(location: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A token created for the company in Cordée, sent as "
                "'Authorization: Bearer <token>'.",
                primary=True,
            )
        ],
    )


def schemas() -> list:
    return [Person.to_schema(), Enterprise.to_schema(), Employment.to_schema()]


def resource_types() -> list[ResourceType]:
    return [ResourceType.from_resource(Person)]
