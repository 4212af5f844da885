"""Who may see what: the agency/center scope of a signed-in user."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Role, User


def has_province_scope(user: User) -> bool:
    """Superusers and administrators attached to no agency manage the whole province."""
    return user.is_superuser or (user.role == Role.ADMINISTRATOR and user.agency_id is None)


def scoped_agency_ids(user: User) -> set[int]:
    """The user's agency and the agencies under it (e.g. a department's branches)."""
    from motcua.directory.models import Agency

    if user.agency_id is None:
        return set()
    ids = {user.agency_id}
    frontier = {user.agency_id}
    while frontier:
        frontier = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
        )
        ids |= frontier
    return ids


def scoped_center_ids(user: User) -> set[int]:
    """Centers the user is posted to now, or that receive on behalf of the user's agency."""
    from motcua.directory.models import ServiceCenter

    today = timezone.localdate()
    return set(
        ServiceCenter.objects.filter(
            Q(
                assignments__user=user,
                assignments__start_date__lte=today,
                assignments__end_date__gte=today,
            )
            | Q(agency_id__in=scoped_agency_ids(user) or [-1])
        ).values_list("id", flat=True)
    )


def users_in_scope(user: User) -> QuerySet[User]:
    if has_province_scope(user):
        return User.objects.all()
    return User.objects.filter(agency_id__in=scoped_agency_ids(user))
