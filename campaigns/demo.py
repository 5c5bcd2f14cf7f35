"""Demo data for the campaigns app: people, skills and agent groups (SPEC section 8).

Logins are fixed so that docs and checks can rely on them; the password is ``demo`` for all and
is hashed once per run, and never again for a user who already exists.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import Role

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo login, never used outside demo data
SKILLS = ["Sales", "Billing", "Tech support", "General"]
GROUPS = {"Sales team": ["manager"], "Billing team": ["manager"], "Tech support team": ["manager2"]}

# username: (first, last, roles, skills, group)
PEOPLE: dict[str, tuple[str, str, list[str], list[str], str | None]] = {
    "admin": ("Ada", "Admin", [Role.ADMIN], [], None),
    "campaigns": ("Carmen", "Campos", [Role.CAMPAIGN_MANAGER], [], None),
    "manager": ("Max", "Manning", [Role.AGENT_MANAGER], [], None),
    "manager2": ("Mia", "Moreau", [Role.AGENT_MANAGER], [], None),
    "agent": ("Alex", "Agent", [Role.AGENT], ["Sales", "General"], "Sales team"),
    "agent2": ("Sam", "Sutton", [Role.AGENT], ["Sales"], "Sales team"),
    "agent3": ("Bea", "Barros", [Role.AGENT], ["Billing"], "Billing team"),
    "agent4": ("Ben", "Brandt", [Role.AGENT], ["Billing", "General"], "Billing team"),
    "agent5": ("Tia", "Tanaka", [Role.AGENT], ["Tech support"], "Tech support team"),
    "agent6": ("Tom", "Torres", [Role.AGENT], ["Tech support", "General"], "Tech support team"),
    "agent7": ("Sara", "Silva", [Role.AGENT], ["Sales"], "Sales team"),
    "agent8": ("Gil", "Grant", [Role.AGENT], ["General", "Billing"], "Billing team"),
    "agent9": ("Tess", "Thorne", [Role.AGENT], ["Tech support"], "Tech support team"),
    "agent10": ("Saul", "Santos", [Role.AGENT], ["Sales", "General"], "Sales team"),
}


# Where some demo agents work, and how they write numbers (User.time_zone, number_format): the
# workspace shows each their own zone. The others, and "agent", follow the account's zone.
ZONES = {
    "agent2": ("Europe/Berlin", "comma"),
    "agent3": ("America/Sao_Paulo", "comma"),
    "agent5": ("Asia/Kolkata", "point"),
    "agent7": ("Europe/Lisbon", "comma"),
    "agent9": ("America/New_York", "point"),
}


def seed_people(*, password_hash: str | None = None) -> dict[str, User]:
    """Skills, groups and the fixed demo logins. Returns the users by username."""
    skills = {name: Skill.objects.get_or_create(name=name)[0] for name in SKILLS}
    groups = {name: AgentGroup.objects.get_or_create(name=name)[0] for name in GROUPS}
    roles = {group.name: group for group in Group.objects.all()}
    users: dict[str, User] = {}
    for username, (first, last, role_names, skill_names, group_name) in PEOPLE.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                password=password_hash,
                email=f"{username}@example.com",
                agent_group=groups.get(group_name),
                time_zone=ZONES.get(username, ("", ""))[0],
                number_format=ZONES.get(username, ("", "point"))[1],
            )
            user.groups.set([roles[name] for name in role_names])
            user.skills.set([skills[name] for name in skill_names])
        users[username] = user
    for group_name, managers in GROUPS.items():
        groups[group_name].managers.set([users[name] for name in managers])
    return users


def seed_bench_agents(count: int, *, password_hash: str) -> list[User]:
    """``count`` extra agents (``bench-agent-001``...) spread over the skills, in bulk."""
    existing = set(
        User.objects.filter(username__startswith="bench-agent-").values_list("username", flat=True)
    )
    skills = list(Skill.objects.filter(name__in=SKILLS[:3]))
    groups = list(AgentGroup.objects.order_by("name"))
    new = [
        User(
            username=f"bench-agent-{i:03d}",
            first_name="Bench",
            last_name=f"Agent {i:03d}",
            password=password_hash,
            agent_group=groups[i % len(groups)],
        )
        for i in range(1, count + 1)
        if f"bench-agent-{i:03d}" not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    agents = list(
        User.objects.filter(username__startswith="bench-agent-").order_by("username")[:count]
    )
    agent_role = Group.objects.get(name=Role.AGENT)
    Membership = User.groups.through
    SkillLink = User.skills.through
    Membership.objects.bulk_create(
        [Membership(user_id=a.pk, group_id=agent_role.pk) for a in agents], ignore_conflicts=True
    )
    SkillLink.objects.bulk_create(
        [
            SkillLink(user_id=a.pk, skill_id=skills[i % len(skills)].pk)
            for i, a in enumerate(agents)
        ],
        ignore_conflicts=True,
    )
    return agents
