"""allauth's SAML views, guarded: a malformed message is a refused sign-in, never a 500.

python3-saml lets lxml's parse errors out of `process_response` (a SAMLResponse that is not
XML), allauth reads the Host header without a default, and an IdP metadata URL that does not
answer raises from the sign-in start: all three would reach the visitor as 500s.
"""

from __future__ import annotations

import functools
import logging
import zlib

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml import views as allauth_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from lxml import etree
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError

logger = logging.getLogger(__name__)

MALFORMED = (
    etree.LxmlError,
    OneLogin_Saml2_Error,
    OneLogin_Saml2_ValidationError,
    ValueError,  # base64 (binascii.Error) and text decoding errors
    zlib.error,
    OSError,  # the IdP's metadata URL unreachable (urllib's URLError, timeouts)
)


def _guarded(view):
    @functools.wraps(view)
    def guarded(request, organization_slug):
        if "HTTP_HOST" not in request.META:
            # An HTTP/1.0 request has no Host header; python3-saml needs one.
            request.META["HTTP_HOST"] = request.get_host()
        try:
            return view(request, organization_slug=organization_slug)
        except MALFORMED as error:
            logger.error("Malformed SAML message refused (%s): %r", organization_slug, error)
            provider = get_app_or_404(request, organization_slug).get_provider(request)
            return render_authentication_error(request, provider, exception=error)

    return guarded


acs = _guarded(allauth_views.acs)
finish_acs = _guarded(allauth_views.finish_acs)
sls = _guarded(allauth_views.sls)
metadata = _guarded(allauth_views.metadata)
login = _guarded(allauth_views.login)
