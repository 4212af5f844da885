"""Writes for accounts. Each public function is one transaction."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from motcua.accounts.models import Role, User

MANAGED_APPS = ("accounts", "directory", "catalog")

# Admin rights per role; the rows each user sees are still limited to their agency/center scope.
ROLE_PERMISSIONS: dict[str, Q] = {
    Role.ADMINISTRATOR: Q(content_type__app_label__in=MANAGED_APPS),
    Role.CENTER_DIRECTOR: Q(content_type__app_label__in=MANAGED_APPS, codename__startswith="view_")
    | Q(
        content_type__app_label="directory",
        content_type__model__in=[
            "counter",
            "calendaroverride",
            "staffassignment",
            "workingsession",
        ],
    ),
    Role.SUPERVISOR: Q(content_type__app_label__in=MANAGED_APPS, codename__startswith="view_"),
}


@transaction.atomic
def sync_role_groups() -> dict[str, Group]:
    """Create or refresh one permission group per role that uses the admin."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        group.permissions.set(Permission.objects.filter(perms))
        groups[role] = group
    return groups


@transaction.atomic
def grant_role_group(*, user: User) -> None:
    """Put a staff user in their role's group (and give admin access) if the role has one."""
    if user.role not in ROLE_PERMISSIONS:
        return
    group = sync_role_groups()[user.role]
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
