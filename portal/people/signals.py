"""What the apps hear when a person's employment changes (portal imports no app, so they listen).

- `person_left(sender=EmployeeProfile, profile, leave_date, source)`: sent once the leave date is
  recorded or moved; receivers stop pledges at that date, cancel pending enrolments and pass
  pending approvals on. Sent inside the transaction that records it.
- `person_departed(sender=EmployeeProfile, profile)`: the leave date has passed (sent once, by
  the daily task `portal.apply_departures`); receivers hand the leaver's pending approvals over.
- `person_returned(sender=EmployeeProfile, profile, source)`: a leaver is re-hired (leave date
  cleared); nothing stopped is restarted by itself, the person chooses again.
"""

from __future__ import annotations

from django.dispatch import Signal

person_left = Signal()
person_departed = Signal()
person_returned = Signal()
