"""One Wagtail collection per company, CSR groups limited to it (images and documents)."""

import django.db.models.deletion
from django.db import migrations, models

SHARED_COLLECTION_NAME = "Platform"  # as portal.media_collections.SHARED_COLLECTION_NAME
OWN = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
]
SHARED = [("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")]
STEP = 4  # treebeard's path step for Collection
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _child_path(Collection, parent) -> str:
    """The path of a new last child of `parent` (treebeard's materialised path, base 36)."""
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    step = int(last[-STEP:], 36) + 1 if last else 1
    digits = ""
    while step:
        step, rest = divmod(step, 36)
        digits = ALPHABET[rest] + digits
    return parent.path + digits.rjust(STEP, "0")


def _child(Collection, parent, name, *, taken=()):
    existing = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, name=name)
        .exclude(pk__in=taken)
        .first()
    )
    if existing is not None:
        return existing
    child = Collection.objects.create(
        name=name, path=_child_path(Collection, parent), depth=parent.depth + 1, numchild=0
    )
    parent.numchild += 1
    parent.save(update_fields=["numchild"])
    return child


def give_each_company_its_collection(apps, schema_editor):
    Company = apps.get_model("portal", "Company")
    if not Company.objects.exists():
        return  # a new database: companies are provisioned as they are created
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # a database migrated in one go has none yet
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Permission = apps.get_model("auth", "Permission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    shared = _child(Collection, root, SHARED_COLLECTION_NAME)
    root.refresh_from_db()
    model_wide = Permission.objects.filter(
        content_type__app_label__in=["wagtailimages", "wagtaildocs"]
    )
    for company in Company.objects.filter(collection__isnull=True).order_by("pk"):
        # The catalogue provisioner used to make a collection named after the company: kept.
        taken = Company.objects.exclude(collection=None).values_list("collection_id", flat=True)
        company.collection = _child(Collection, root, company.name, taken=list(taken))
        root.refresh_from_db()
        company.save(update_fields=["collection"])
        group = company.csr_group
        if group is None:
            continue
        group.permissions.remove(*model_wide)
        for collection, grants in ((company.collection, OWN), (shared, SHARED)):
            for app_label, codename in grants:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission(app_label, codename)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("portal", "0004_employee_language"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="collection",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="company",
                to="wagtailcore.collection",
                verbose_name="images and documents collection",
            ),
        ),
        migrations.RunPython(give_each_company_its_collection, migrations.RunPython.noop),
    ]
