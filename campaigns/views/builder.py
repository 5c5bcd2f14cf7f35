"""Campaign Builder: the campaign list with its footnote bar, and the account settings."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from campaigns.forms.account import AccountSettingsForm, AttributionPolicyForm
from campaigns.models import AccountSettings, AttributionPolicy
from campaigns.selectors.builder import account_summary, campaigns_list, policies_list
from campaigns.services.account import (
    SETTINGS_FIELDS,
    account_settings_save,
    attribution_policy_create,
    attribution_policy_delete,
)
from campaigns.views.common import CONFIGURE, builder_render, form_status


@require_GET
@vary_on_headers("HX-Request")
@permission_required(CONFIGURE, raise_exception=True)
def builder(request: HttpRequest) -> HttpResponse:
    """The campaigns with their goals; the footnote bar holds Data Sources and settings."""
    context = {
        "tab": "campaigns",
        "campaigns": campaigns_list(),
        **account_summary(today=timezone.localdate()),
    }
    return builder_render(request, "campaigns/builder.html", context, fragment="campaign-list")


def _settings_page(request, settings_form, policy_form, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "form": settings_form,
        "policy_form": policy_form,
        "policies": policies_list(),
        "today": today,
        **account_summary(today=today),
    }
    return builder_render(request, "campaigns/account_settings.html", context, status=status)


def _settings_initial() -> dict:
    account = AccountSettings.load()
    return {name: getattr(account, name) for name in SETTINGS_FIELDS}


def _policy_form(request: HttpRequest, data=None) -> AttributionPolicyForm:
    return AttributionPolicyForm(
        data,
        today=timezone.localdate(),
        has_policies=AttributionPolicy.objects.exists(),
    )


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, initial=_settings_initial())
    if request.method == "POST" and form.is_valid():
        account_settings_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Account settings saved."))
        return redirect("campaigns:account-settings")
    return _settings_page(request, form, _policy_form(request), form_status(form))


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def policy_create(request: HttpRequest) -> HttpResponse:
    form = _policy_form(request, request.POST)
    if form.is_valid():
        try:
            attribution_policy_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("effective_from", error)
        else:
            messages.success(request, _("Attribution policy added."))
            return redirect("campaigns:account-settings")
    return _settings_page(request, AccountSettingsForm(initial=_settings_initial()), form, 422)


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(AttributionPolicy, pk=pk)
    try:
        attribution_policy_delete(actor=request.user, policy=policy, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Attribution policy withdrawn."))
    return redirect("campaigns:account-settings")
