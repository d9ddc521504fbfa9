from django.urls import path, re_path

from portal.scim import views

app_name = "scim"

urlpatterns = [
    path("Users", views.users, name="users"),
    path("Users/<str:scim_id>", views.user, name="user"),
    path("Groups", views.groups, name="groups"),
    path("ServiceProviderConfig", views.service_provider_config, name="config"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:schema_id>", views.schemas, name="schema"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:type_id>", views.resource_types, name="resource_type"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
