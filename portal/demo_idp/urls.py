"""/demo-idp/: the demo provider's pages and django-oauth-toolkit's OpenID Connect endpoints."""

from django.urls import path
from oauth2_provider import views as oauth2_views

from portal.demo_idp import views

app_name = "oauth2_provider"

urlpatterns = [
    path("sign-in/", views.sign_in, name="demo_idp_sign_in"),
    path("authorize/", views.DemoAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path(
        ".well-known/openid-configuration",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
]
