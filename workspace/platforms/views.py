"""Campaign Builder > Data Sources > Platforms and desktops (admins only)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.views.common import builder_render
from workspace.platforms.forms import (
    AgentMappingForm,
    PlatformAccountForm,
    SecretForm,
    SkillMappingForm,
)
from workspace.platforms.models import MAPPED_KINDS, ExternalRef, PlatformAccount, RefKind
from workspace.platforms.selectors import (
    mapping_choices,
    mapping_rows,
    platform_account_get,
    platform_accounts_list,
    recent_deliveries,
)
from workspace.platforms.services.accounts import (
    external_ref_map,
    platform_account_create,
    platform_account_remove,
    platform_secret_set,
)

MANAGE = "platforms.manage_platforms"
NEW_URL_SESSION = "platforms.new_receiver_url"


def receiver_url(request: HttpRequest, account: PlatformAccount, token: str = "") -> str:
    """The address to paste into the platform; with ``token`` the secret path (shown once)."""
    name = f"platforms:{account.platform}-receive"
    args = [account.slug]
    if token:
        name, args = name + "-secret", [account.slug, token]
    return request.build_absolute_uri(reverse(name, args=args))


def _list(request: HttpRequest, form=None, status: int = 200) -> HttpResponse:
    context = {"tab": "platforms", "accounts": platform_accounts_list(), "form": form}
    context["form"] = form or PlatformAccountForm()
    return builder_render(request, "platforms/platform_list.html", context, status=status)


@require_GET
@permission_required(MANAGE, raise_exception=True)
def platform_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def platform_create(request: HttpRequest) -> HttpResponse:
    form = PlatformAccountForm(request.POST)
    if not form.is_valid():
        return _list(request, form=form, status=422)
    account, token = platform_account_create(
        actor=request.user, now=timezone.now(), **form.cleaned_data
    )
    if token:  # travels through the session for one page view only, never in a cookie
        request.session[NEW_URL_SESSION] = receiver_url(request, account, token)
    messages.success(request, _("Added %(name)s.") % {"name": account.name})
    return redirect("platforms:platform-detail", pk=account.pk)


def _account_or_404(pk: int) -> PlatformAccount:
    account = platform_account_get(pk)
    if account is None:
        raise Http404
    return account


def _detail(request, account, *, secret_form=None, mapping_error=None, status=200):
    agents, skills = mapping_choices()
    context = {
        "tab": "platforms",
        "account": account,
        "receiver_url": receiver_url(request, account),
        "new_receiver_url": request.session.pop(NEW_URL_SESSION, None),
        "secret_form": secret_form or SecretForm(),
        "rows": mapping_rows(account),
        "agents": agents,
        "skills": skills,
        "mapping_error": mapping_error,
        "deliveries": recent_deliveries(account),
    }
    return builder_render(request, "platforms/platform_detail.html", context, status=status)


@require_GET
@permission_required(MANAGE, raise_exception=True)
def platform_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _account_or_404(pk))


@require_POST
@permission_required(MANAGE, raise_exception=True)
def platform_secret(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(pk)
    form = SecretForm(request.POST)
    if not form.is_valid():
        return _detail(request, account, secret_form=form, status=422)
    platform_secret_set(
        actor=request.user, account=account, secret=form.cleaned_data["secret"], now=timezone.now()
    )
    messages.success(request, _("Saved the webhook secret. It will not be shown again."))
    return redirect("platforms:platform-detail", pk=account.pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def platform_remove(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_or_404(pk)
    platform_account_remove(actor=request.user, account=account, now=timezone.now())
    messages.success(
        request, _("Removed %(name)s. Its receiver URL no longer works.") % {"name": account.name}
    )
    return redirect("platforms:platform-list")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def mapping_save(request: HttpRequest, pk: int, ref_pk: int) -> HttpResponse:
    account = _account_or_404(pk)
    ref = get_object_or_404(ExternalRef, pk=ref_pk, account=account, kind__in=MAPPED_KINDS)
    form = (AgentMappingForm if ref.kind == RefKind.AGENT else SkillMappingForm)(request.POST)
    if not form.is_valid():
        return _detail(request, account, mapping_error=ref.pk, status=422)
    external_ref_map(actor=request.user, ref=ref, now=timezone.now(), **form.cleaned_data)
    messages.success(request, _("Saved the mapping of %(name)s.") % {"name": ref.display_label})
    return redirect(reverse("platforms:platform-detail", args=[account.pk]) + "#mappings")
