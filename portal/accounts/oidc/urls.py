"""allauth's OpenID Connect URLs (same names and paths), served by the stricter views."""

from allauth.account.internal.decorators import login_not_required
from django.urls import include, path, re_path

from portal.accounts import oidc

urlpatterns = [
    path(
        "oidc/",
        include(
            [
                re_path(
                    r"^(?P<provider_id>[^/]+)/",
                    include(
                        [
                            path(
                                "login/",
                                login_not_required(oidc.login),
                                name="openid_connect_login",
                            ),
                            path(
                                "login/callback/",
                                login_not_required(oidc.callback),
                                name="openid_connect_callback",
                            ),
                        ]
                    ),
                )
            ]
        ),
    )
]
