"""Words stored in English in the database or other apps that the report prints translated.

gettext_noop marks them for extraction into reporting's catalogue; they are translated at
render time (the SDG names are seeded in English by a missions migration).
"""

from django.utils.translation import gettext_noop

SDG_NAMES = [
    gettext_noop("No poverty"),
    gettext_noop("Zero hunger"),
    gettext_noop("Good health and well-being"),
    gettext_noop("Quality education"),
    gettext_noop("Gender equality"),
    gettext_noop("Clean water and sanitation"),
    gettext_noop("Affordable and clean energy"),
    gettext_noop("Decent work and economic growth"),
    gettext_noop("Industry, innovation and infrastructure"),
    gettext_noop("Reduced inequalities"),
    gettext_noop("Sustainable cities and communities"),
    gettext_noop("Responsible consumption and production"),
    gettext_noop("Climate action"),
    gettext_noop("Life below water"),
    gettext_noop("Life on land"),
    gettext_noop("Peace, justice and strong institutions"),
    gettext_noop("Partnerships for the goals"),
]

MISSION_KINDS = [
    gettext_noop("Citizen day"),
    gettext_noop("Skills sponsorship"),
    gettext_noop("Volunteering"),
    gettext_noop("Solidarity leave"),
]
