import pytest
from reporting.selectors.goal_tracker import goal_tracker_rows
from tests.reporting.factories import *
from tests.factories import AgentFactory
pytestmark = pytest.mark.django_db

def test_smoke():
    a, b = AgentFactory(), AgentFactory()
    camp = campaign(goal(GoalType.SELL), is_default=True)
    c = conversation(a, b)
    event(conversation=c, amount="100.00", action_id="o1")
    event(conversation=c, amount="100.00", action_id="O1 ", source=EventSource.SERVER_API)
    event(conversation=c, amount="10.00", source=EventSource.SERVER_API)
    c2 = conversation(a, started=T0 - timedelta(days=2), visitor=c.visitor)
    event(visitor=c.visitor, amount="7.00", source=EventSource.SERVER_API, at=T0 + timedelta(days=1))
    policy(date(2026,1,1), "split")
    t = goal_tracker_rows(context_for())
    for r in t.rows: print(r.agent_name, r.measures)
    print(t.total, t.distinct_total)
