"""The signed-in employee's home page as a list of panels, each built by the app that owns it.

`settings.CORDEE_HOME_PANELS` names the builders in display order (portal imports no app); a
builder is `builder(*, request, profile) -> HomePanel | None` (None: nothing to show). Another
feature adds its panel by adding its builder to the list (e.g. the staff votes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class HomePanel:
    """One block of the home page: `template` is rendered with `panel` (this) in its context."""

    key: str
    template: str
    context: dict = field(default_factory=dict)
    # Wide panels take the whole row on large screens; the others share it.
    wide: bool = False


def home_panels(*, request, profile) -> list[HomePanel]:
    panels = []
    for path in settings.CORDEE_HOME_PANELS:
        panel = import_string(path)(request=request, profile=profile)
        if panel is not None:
            panels.append(panel)
    return panels
