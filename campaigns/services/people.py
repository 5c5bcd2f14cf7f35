"""Users, skills and agent groups, as admins manage them on the People pages."""

from django.contrib.auth.models import Group
from django.db import transaction

from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import ROLE_LABELS
from campaigns.services.audit import audit_record, snapshot

USER_AUDIT_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "agent_group",
    "skills",
    "groups",
    "time_zone",
    "number_format",
]
PREFERENCE_FIELDS = ["time_zone", "number_format"]


@transaction.atomic
def user_save(
    *,
    actor: User,
    user: User,
    roles: list[Group],
    skills: list[Skill],
    password: str | None = None,
) -> User:
    """Create or update a person with their roles and skills; audited. Django groups that are
    not roles are left alone (the page does not show them)."""
    creating = user.pk is None
    before = None if creating else snapshot(User.objects.get(pk=user.pk), USER_AUDIT_FIELDS)
    if password:
        user.set_password(password)
    elif creating:
        user.set_unusable_password()
    user.save()
    user.groups.set(list(user.groups.exclude(name__in=ROLE_LABELS)) + list(roles))
    user.skills.set(skills)
    audit_record(
        actor=actor,
        action="user.create" if creating else "user.update",
        obj=user,
        before=before,
        after=snapshot(user, USER_AUDIT_FIELDS),
    )
    return user


@transaction.atomic
def user_preferences_save(*, actor: User, user: User, time_zone: str, number_format: str) -> User:
    """A person's time zone (empty: the account's) and number format; audited."""
    # From the row: a bound form has already set the new values on ``user``.
    before = User.objects.filter(pk=user.pk).values(*PREFERENCE_FIELDS).get()
    user.time_zone, user.number_format = time_zone, number_format
    user.save(update_fields=PREFERENCE_FIELDS)
    after = snapshot(user, PREFERENCE_FIELDS)
    if after != before:
        audit_record(actor=actor, action="user.preferences", obj=user, before=before, after=after)
    return user


@transaction.atomic
def skill_save(*, actor: User, skill: Skill) -> Skill:
    creating = skill.pk is None
    before = (
        None
        if creating
        else snapshot(Skill.objects.get(pk=skill.pk), ["name", "survey_timeout_minutes"])
    )
    skill.save()
    audit_record(
        actor=actor,
        action="skill.create" if creating else "skill.update",
        obj=skill,
        before=before,
        after=snapshot(skill, ["name", "survey_timeout_minutes"]),
    )
    return skill


@transaction.atomic
def group_save(
    *, actor: User, group: AgentGroup, managers: list[User], members: list[User]
) -> AgentGroup:
    """Save a group with its managers; ``members`` become its agents (leaving any other group)."""
    creating = group.pk is None
    fields = ["name", "managers"]
    before = None if creating else snapshot(AgentGroup.objects.get(pk=group.pk), fields)
    if before is not None:
        before["members"] = sorted(str(u) for u in group.members.all())
    group.save()
    group.managers.set(managers)
    User.objects.filter(agent_group=group).exclude(pk__in=[m.pk for m in members]).update(
        agent_group=None
    )
    User.objects.filter(pk__in=[m.pk for m in members]).update(agent_group=group)
    after = snapshot(group, fields)
    after["members"] = sorted(str(u) for u in members)
    audit_record(
        actor=actor,
        action="group.create" if creating else "group.update",
        obj=group,
        before=before,
        after=after,
    )
    return group
