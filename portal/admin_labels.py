"""The Wagtail admin in the officers' words: yes/no columns and "Ajouter une session" labels."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import InlinePanel
from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A boolean shown as "Oui"/"Non" (Wagtail's listing would print True/False)."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return _("Yes") if value else _("No")


def with_yes_no_columns(model: type[models.Model], names: list) -> list:
    """`list_display` for `model` with each of its boolean fields in a YesNoColumn."""
    columns = []
    for name in names:
        field = _field(model, name) if isinstance(name, str) else None
        if isinstance(field, models.BooleanField):
            columns.append(YesNoColumn(name, label=capfirst(field.verbose_name)))
        else:
            columns.append(name)
    return columns


def _field(model: type[models.Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class AddLabelMixin:
    """A viewset whose "Add" button names the model with its article, as a sentence.

    Wagtail builds "Add %(model_name)s", which French renders "Ajouter un(e) session": each
    viewset gives its own whole label ("Add a session"), translated as one sentence.
    """

    add_item_label: str | None = None

    def get_index_view_kwargs(self, **kwargs):
        view_kwargs = super().get_index_view_kwargs(**kwargs)
        if self.add_item_label:
            view_kwargs["add_item_label"] = self.add_item_label
        return view_kwargs


class LabelledInlinePanel(InlinePanel):
    """An inline panel whose add button reads a whole sentence ("Ajouter une session")."""

    def __init__(self, *args, add_label=None, **kwargs):
        self.add_label = add_label
        super().__init__(*args, **kwargs)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_label": self.add_label}

    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "wagtailadmin/panels/labelled_inline_panel.html"
