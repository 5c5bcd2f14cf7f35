"""The desktop panels: the panel page a desktop frames, its context and session endpoints, the
sign-in window, and the admin's settings on the Platforms tab."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from campaigns.sso.csp import allow_provider_forms
from campaigns.views.common import builder_render
from outcomes_site.forms import LoginForm
from workspace.embed.forms import (
    ChatwootContextForm,
    DesktopPanelForm,
    LivePersonContextForm,
    SignInCodeForm,
    ZendeskContextForm,
    ZendeskTicketForm,
)
from workspace.embed.framing import framed_by_desktop
from workspace.embed.models import Desktop, DesktopPanel
from workspace.embed.services import (
    DesktopContext,
    desktop_panel_save,
    panel_conversation_find,
    panel_conversation_resolve,
    sign_in_code_issue,
    sign_in_code_redeem,
)
from workspace.selectors.access import conversation_access
from workspace.selectors.summary import conversation_summary
from workspace.services.conversations import close_blockers
from workspace.views.rendering import missing_outcomes
from workspace.views.widget_forms import forms_attach

MANAGE = "platforms.manage_platforms"
PANEL = "embed/panel.html"
# The widget's own URLs mounted again under /embed/w/ (outcomes_site/urls.py): rendered for the
# panel, the widget's {% url 'workspace:...' %} resolve there, where the panel's cookie is read.
WIDGET_NAMESPACE = "embed-widget"
LOGIN_BACKEND = "outcomes_site.auth_backends.OneQueryModelBackend"


def site_origin(request: HttpRequest) -> str:
    parts = urlsplit(request.build_absolute_uri("/"))
    return f"{parts.scheme}://{parts.netloc}"


# LivePerson serves its Agent Workspace Widget SDK from its own CDN only (no package to vendor).
LIVEPERSON_SDK = "https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js"
LIVEPERSON_SDK_ORIGIN = "https://lpcdn.lpsnmedia.net"


def _panel_page(
    request: HttpRequest, desktop_script: str, context_url: str, **extra
) -> HttpResponse:
    """The panel's page: the shared panel script (sign-in, CSRF, showing a conversation) and the
    desktop's own script, which reads the desktop's context and asks for the conversation."""
    context = {
        "panel": request.desktop_panel,
        "desktop_script": desktop_script,
        "context_url": context_url,
        **extra,
    }
    return render(request, PANEL, context)


@require_GET
@login_not_required
@ensure_csrf_cookie
@framed_by_desktop(Desktop.CHATWOOT)
def chatwoot_panel(request: HttpRequest) -> HttpResponse:
    """The page Chatwoot frames. It asks the desktop for its context (static/embed/chatwoot.js)."""
    account_hint = request.GET.get("account", "")
    url = reverse("embed:chatwoot-context")
    return _panel_page(request, "embed/chatwoot.js", url, account_hint=account_hint)


@require_GET
@login_not_required
@ensure_csrf_cookie
@framed_by_desktop(Desktop.LIVEPERSON, script_origins=(LIVEPERSON_SDK_ORIGIN,))
def liveperson_panel(request: HttpRequest) -> HttpResponse:
    """The page LivePerson's Agent Workspace frames as a custom widget. It reads the context
    through LivePerson's widget SDK (static/embed/liveperson.js)."""
    url = reverse("embed:liveperson-context")
    return _panel_page(request, "embed/liveperson.js", url, desktop_sdk=LIVEPERSON_SDK)


# Zendesk's Apps framework SDK, vendored (static/embed/vendor/README.md): served from here, so
# this route's policy allows no other script origin.
ZENDESK_SDK = "embed/vendor/zaf_sdk.min.js"


@require_GET
@login_not_required
@ensure_csrf_cookie
@framed_by_desktop(Desktop.ZENDESK)
def zendesk_panel(request: HttpRequest) -> HttpResponse:
    """The page Zendesk frames as a ticket sidebar app (the URL in the app's manifest; Zendesk
    adds ``origin`` and ``app_guid``). It reads the ticket through the SDK (static/embed/zendesk.js)
    and gates the ticket's save."""
    return _panel_page(
        request,
        "embed/zendesk.js",
        reverse("embed:zendesk-context"),
        desktop_sdk=static(ZENDESK_SDK),
        check_url=reverse("embed:zendesk-save-check"),
    )


def _body(request, fragment: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, f"{PANEL}#{fragment}", context or {}, status=status)


def _desktop_conversation(request: HttpRequest, context: DesktopContext) -> HttpResponse:
    """The widget for the conversation the desktop names, or why there is none. A context
    naming what the signed-in person may not see answers exactly like an unknown one (404)."""
    now = timezone.now()
    found = panel_conversation_resolve(user=request.user, context=context, now=now)
    if found.conversation is None:
        reason = "awaiting" if found.awaiting_feed else "unknown"
        return _body(request, "panel-nothing", {"reason": reason}, status=404)
    try:
        access = conversation_access(request.user, found.conversation.pk)
    except Http404:
        return _body(request, "panel-nothing", {"reason": "unknown"}, status=404)
    summary = conversation_summary(
        request.user, access.conversation, now=now, role=access.role, history=False
    )
    forms_attach(summary, bound=None, item_forms=False)
    request.current_app = WIDGET_NAMESPACE
    context = {"conversation": access.conversation, "summary": summary, "found": found}
    return _body(request, "panel-conversation", context)


def _context_answer(request: HttpRequest, form_class) -> HttpResponse:
    """A desktop's context: the sign-in offer, a 422 for a context that is not its desktop's
    shape, else the conversation it names (``_desktop_conversation``)."""
    if not request.user.is_authenticated:
        return _body(request, "panel-sign-in")
    form = form_class(request.POST)
    if not form.is_valid():
        return _body(request, "panel-nothing", {"reason": "context"}, status=422)
    return _desktop_conversation(request, form.desktop_context())


@require_POST
@login_not_required
@framed_by_desktop(Desktop.CHATWOOT)
def chatwoot_context(request: HttpRequest) -> HttpResponse:
    """Chatwoot's account, conversation and contact (its ``appContext`` message)."""
    return _context_answer(request, ChatwootContextForm)


@require_POST
@login_not_required
@framed_by_desktop(Desktop.LIVEPERSON)
def liveperson_context(request: HttpRequest) -> HttpResponse:
    """LivePerson's account (site id) and conversation (``chatInfo.rtSessionId``)."""
    return _context_answer(request, LivePersonContextForm)


@require_POST
@login_not_required
@framed_by_desktop(Desktop.ZENDESK)
def zendesk_context(request: HttpRequest) -> HttpResponse:
    """Zendesk's subdomain (``client.context()``) and ticket (``ticket.id``)."""
    return _context_answer(request, ZendeskContextForm)


def _gate_answer(status: int, message: str = "", missing: list[str] | None = None):
    answer = {"blocked": bool(message), "message": message, "missing": missing or []}
    return JsonResponse(answer, status=status)


@require_POST
@login_not_required
@framed_by_desktop(Desktop.ZENDESK)
def zendesk_save_check(request: HttpRequest) -> HttpResponse:
    """What Zendesk's ``ticket.save`` hook asks before a solve: the outcomes our own Close waits
    for (``close_blockers``), in the words our page uses. 404: nothing of ours to require."""
    if not request.user.is_authenticated:
        message = _("Sign in to Conversation Outcomes in the ticket's sidebar, then solve again.")
        return _gate_answer(401, message)
    form = ZendeskTicketForm(request.POST)
    if not form.is_valid():
        return _gate_answer(422)
    data = form.cleaned_data
    found = panel_conversation_find(
        DesktopContext(Desktop.ZENDESK, data["subdomain"], data["ticket"])
    )
    try:
        if found.conversation is None:
            raise Http404
        access = conversation_access(request.user, found.conversation.pk)
    except Http404:
        return _gate_answer(404)
    missing = missing_outcomes(close_blockers(access.conversation).missing_outcomes)
    labels = [item.label for item in missing]
    if not labels:
        return _gate_answer(200)
    lead = _("Report these outcomes or choose “No outcome” before closing:")
    return _gate_answer(200, f"{lead} {', '.join(labels)}", labels)


@require_POST
@login_not_required
def session_start(request: HttpRequest) -> HttpResponse:
    """Exchange the sign-in window's code for the panel's own session."""
    form = SignInCodeForm(request.POST)
    user = None
    if form.is_valid():
        origin = request.headers.get("Origin", "")
        user = sign_in_code_redeem(
            code=form.cleaned_data["code"], origin=origin, now=timezone.now()
        )
    if user is None:
        message = _("This sign-in did not work. Sign in again.")
        return JsonResponse({"errors": [{"code": "invalid_code", "message": message}]}, status=400)
    login(request, user, backend=LOGIN_BACKEND)
    return HttpResponse(status=204)


@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseClientRefresh()


@require_http_methods(["GET", "POST"])
@login_not_required
@allow_provider_forms
def sign_in_window(request: HttpRequest) -> HttpResponse:
    """The window the panel opens: the app's own sign-in, first party. Signed in, it hands its
    opener (the panel, on this same origin) a one-time code and closes."""
    form, status = None, 200
    if not request.user.is_authenticated:
        form = LoginForm(request, data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            login(request, form.get_user())
            form = None
        elif request.method == "POST":
            status = 422
    # Single sign-on comes back here (``next``), signed in, and hands the panel its code.
    context = {"form": form, "next": request.path}
    if request.user.is_authenticated:
        now = timezone.now()
        context["code"] = sign_in_code_issue(
            user=request.user, origin=site_origin(request), now=now
        )
    response = render(request, "embed/sign_in_window.html", context, status=status)
    # The app's own policy (same-origin) would cut this window off from the panel that opened
    # it inside another site's page; nothing else about this window is relaxed.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


def _panels() -> list[DesktopPanel]:
    existing = {p.desktop: p for p in DesktopPanel.objects.select_related("updated_by")}
    return [existing.get(d) or DesktopPanel(desktop=d) for d in Desktop.values]


# What an admin pastes into each desktop: the panel's address (Chatwoot's ends in its account ID).
PANEL_ROUTES = {
    Desktop.CHATWOOT: ("embed:chatwoot-panel", "?account="),
    Desktop.LIVEPERSON: ("embed:liveperson-panel", ""),
    Desktop.ZENDESK: ("embed:zendesk-panel", ""),
}


def _settings(request, bound: DesktopPanelForm | None = None, status: int = 200) -> HttpResponse:
    rows = []
    for panel in _panels():
        initial = {"enabled": panel.enabled, "origins": panel.allowed_origins}
        form = bound if bound is not None and bound.prefix == panel.desktop else None
        name, query = PANEL_ROUTES[panel.desktop]
        rows.append(
            {
                "panel": panel,
                "form": form or DesktopPanelForm(initial=initial, prefix=panel.desktop),
                "url": site_origin(request) + reverse(name) + query,
                "paste": f"embed/_paste_{panel.desktop}.html",
            }
        )
    context = {"tab": "platforms", "rows": rows}
    return builder_render(request, "embed/desktop_settings.html", context, status=status)


@require_GET
@permission_required(MANAGE, raise_exception=True)
def desktop_settings(request: HttpRequest) -> HttpResponse:
    return _settings(request)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def desktop_save(request: HttpRequest, desktop: str) -> HttpResponse:
    if desktop not in Desktop.values:
        raise Http404
    form = DesktopPanelForm(request.POST, prefix=desktop)
    if not form.is_valid():
        return _settings(request, bound=form, status=422)
    desktop_panel_save(
        actor=request.user,
        desktop=desktop,
        enabled=form.cleaned_data["enabled"],
        origins=form.cleaned_data["origins"],
        now=timezone.now(),
    )
    messages.success(request, _("Saved the desktop panel settings."))
    return redirect("embed:desktop-settings")
