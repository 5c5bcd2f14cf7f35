"""Campaign Builder > Data Sources > Platforms and desktops > Desktop panels (admins only)."""

import pytest
from django.urls import reverse

from campaigns.models import AuditEntry
from workspace.embed.models import Desktop, DesktopPanel

URL = reverse("embed:desktop-settings")
SAVE = reverse("embed:desktop-save", args=[Desktop.CHATWOOT])


def test_admin_sees_the_chatwoot_settings_and_what_to_paste(admin_client):
    html = admin_client.get(URL).content.decode()
    assert "Chatwoot Dashboard App" in html
    assert 'name="chatwoot-origins"' in html
    assert "/embed/chatwoot/?account=" in html


def test_the_platforms_tab_links_to_it(admin_client):
    html = admin_client.get(reverse("platforms:platform-list")).content.decode()
    assert URL in html


@pytest.mark.parametrize("who", ["agent_client", "campaign_manager_client", "agent_manager_client"])
def test_other_roles_are_refused(request, who):
    assert request.getfixturevalue(who).get(URL).status_code == 403
    assert request.getfixturevalue(who).post(SAVE, {}).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_page_reads_a_fixed_number_of_queries(
    admin_client, admin, now, django_assert_num_queries
):
    admin_client.get(URL)  # per-process configuration read once
    with django_assert_num_queries(4):
        admin_client.get(URL)
    DesktopPanel.objects.create(
        desktop=Desktop.CHATWOOT,
        enabled=True,
        allowed_origins="x",
        updated_by=admin,
        updated_at=now,
    )
    with django_assert_num_queries(4):
        assert "Last changed" in admin_client.get(URL).content.decode()


def test_saving_turns_the_panel_on_and_is_audited(admin_client, admin):
    data = {
        "chatwoot-enabled": "on",
        "chatwoot-origins": "https://Chat.Example.com/\nhttp://localhost:3000",
    }
    response = admin_client.post(SAVE, data)
    assert response.status_code == 302
    panel = DesktopPanel.objects.get(desktop=Desktop.CHATWOOT)
    assert panel.enabled
    assert panel.origins == ["https://chat.example.com", "http://localhost:3000"]
    entry = AuditEntry.objects.get(action="embed.desktop_save")
    assert entry.actor == admin
    assert entry.after["origins"] == panel.origins


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ("*", "is not an origin"),
        ("https://chat.example.com/app", "is not an origin"),
        ("http://chat.example.com", "must use https"),
        ("https://chat.example.com; script-src *", "is not an origin"),
        ("", "at least one origin"),
    ],
)
def test_bad_origins_are_refused_beside_the_field(admin_client, origins, message):
    response = admin_client.post(SAVE, {"chatwoot-enabled": "on", "chatwoot-origins": origins})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not DesktopPanel.objects.exists()


def test_an_unknown_desktop_is_404(admin_client):
    assert admin_client.post(reverse("embed:desktop-save", args=["teams"]), {}).status_code == 404
