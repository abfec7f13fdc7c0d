"""The dashboard's rollups (see privacy.registry): counts per member and week,
rebuilt from the source tables; an erased member's rows are dropped and the
next rebuild counts the anonymous account."""

from privacy.registry import register

from .models import MemberWeek

register(
    "dashboard_rollups",
    description="Weekly activity counts (derived data, rebuilt by the scheduler).",
    erase=lambda user: MemberWeek.objects.filter(user=user).delete(),
    models=("dashboard.MemberWeek",),
)
