"""While a configuration change is being applied to past credit, every report says so."""

import pytest
from django.urls import reverse
from django.utils import timezone

from workspace.models import CreditRebuild
from workspace.services.credit_rebuild import credit_rebuild_pending

pytestmark = pytest.mark.django_db
BANNER = "Recalculating"


@pytest.mark.parametrize(
    "name",
    [
        "reporting:home",
        "reporting:goal-tracker",
        "reporting:target-list",
        "reporting:survey-report",
    ],
)
def test_reports_show_the_banner_while_a_rebuild_waits_and_not_after(agent_manager_client, name):
    url = reverse(name)
    assert BANNER not in agent_manager_client.get(url).content.decode()
    CreditRebuild.objects.create(requested_at=timezone.now(), events_total=40, events_done=10)
    page = agent_manager_client.get(url).content.decode()
    assert BANNER in page
    assert "10 of 40 events done." in page
    credit_rebuild_pending()
    assert BANNER not in agent_manager_client.get(url).content.decode()
