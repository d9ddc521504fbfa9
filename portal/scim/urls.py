from django.urls import path, re_path

from portal.scim.views import api

app_name = "scim"

urlpatterns = [
    path("Users", api.users, name="users"),
    path("Users/<str:scim_id>", api.user, name="user"),
    path("Groups", api.groups, name="groups"),
    path("ServiceProviderConfig", api.service_provider_config, name="config"),
    path("Schemas", api.schemas, name="schemas"),
    path("Schemas/<str:schema_id>", api.schemas, name="schema"),
    path("ResourceTypes", api.resource_types, name="resource_types"),
    path("ResourceTypes/<str:type_id>", api.resource_types, name="resource_type"),
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
