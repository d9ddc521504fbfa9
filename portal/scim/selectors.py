"""SCIM reads: the company's people filtered (RFC 7644 §3.4.2.2) and paged."""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser, SCIMParserError
from scim2_filter_parser.transpilers.django_q_object import Transpiler
from scim2_models import InvalidFilterException

from portal.models import Company
from portal.scim.resources import ENTERPRISE
from portal.scim.services import people_of

# (attribute, sub-attribute, schema URI) -> queryset field
ATTRIBUTES = {
    ("userName", None, None): "scim_user_name",
    ("externalId", None, None): "scim_account__external_id",
    ("emails", "value", None): "user__email",
    ("emails", None, None): "user__email",
    ("name", "givenName", None): "user__first_name",
    ("name", "familyName", None): "user__last_name",
    ("employeeNumber", None, ENTERPRISE): "employee_number",
    ("department", None, ENTERPRISE): "department",
}


class _StrictTranspiler(Transpiler):
    """The library's transpiler ignores attributes it cannot map; a SCIM server must refuse."""

    def visit_AttrPath(self, node):
        field = super().visit_AttrPath(node)
        if field is None:
            name = ".".join(filter(None, [node.attr_name, node.sub_attr and node.sub_attr.value]))
            raise InvalidFilterException(
                detail=_("The filter cannot use the attribute %(name)s.") % {"name": name}
            )
        return field


def filtered_people(company: Company, scim_filter: str | None):
    people = people_of(company).annotate(
        scim_user_name=Coalesce(
            NullIf(F("scim_account__user_name"), Value("")),
            F("user__email"),
            output_field=CharField(),
        ),
    )
    if scim_filter:
        if len(scim_filter) > 1000:
            raise InvalidFilterException(detail=_("The filter is too long."))
        try:
            tree = SCIMParser().parse(SCIMLexer().tokenize(scim_filter))
        except (SCIMParserError, Exception) as error:
            if isinstance(error, InvalidFilterException):
                raise
            raise InvalidFilterException(
                detail=_("The filter %(filter)s is not valid SCIM.") % {"filter": scim_filter}
            ) from None
        if tree is None:
            raise InvalidFilterException(detail=_("The filter is empty."))
        try:
            query = _StrictTranspiler(ATTRIBUTES).transpile(tree)
        except InvalidFilterException:
            raise
        except Exception:
            raise InvalidFilterException(
                detail=_("The filter %(filter)s is not valid SCIM.") % {"filter": scim_filter}
            ) from None
        if query is None:
            raise InvalidFilterException(detail=_("The filter selects nothing Cordée knows."))
        people = people.filter(query)
    return people.order_by("pk")
