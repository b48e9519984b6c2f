from django.utils import timezone

from .models import BreakGlassGrant


def break_glass_object_ids(*, user, object_type: str) -> list[str]:
    """Ids of objects of `object_type` the user holds an unexpired break-glass grant for."""
    if not user.is_authenticated:
        return []
    return list(
        BreakGlassGrant.objects.filter(
            user=user, object_type=object_type, expires_at__gt=timezone.now()
        ).values_list("object_id", flat=True)
    )
