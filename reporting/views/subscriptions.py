"""Reports by e-mail: subscribe from a report, list and delete one's own subscriptions, and stop
one from the link in a mail without signing in."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting.models import ReportSubscription
from reporting.selectors.subscriptions import filter_descriptions, subscriptions_for_user
from reporting.services.subscriptions import (
    account_zone,
    kept_params,
    next_mail_at,
    subscription_create,
    subscription_delete,
    subscription_for_token,
    subscription_stop,
)
from reporting.views.common import context_for, reports_required

SECTION = "subscriptions"


class SubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=ReportSubscription.Frequency.choices,
        initial=ReportSubscription.Frequency.DAILY,
        widget=forms.RadioSelect,
    )


@require_http_methods(["GET", "POST"])
@reports_required
def subscription_new(request: HttpRequest) -> HttpResponse:
    """The "Email me this report" page: the filters (from the URL) and a frequency."""
    report, filter_form, _account = context_for(request)
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    allowed = filter_form.is_valid() and bool(request.user.email)
    if request.method == "POST" and allowed and form.is_valid():
        subscription = subscription_create(
            user=request.user,
            params=report.filters.params(),
            frequency=form.cleaned_data["frequency"],
            now=timezone.now(),
        )
        messages.success(request, _first_mail_note(subscription))
        return redirect("reporting:subscription-list")
    values = {
        "nav_section": SECTION,
        "form": form,
        "filter_form": filter_form,
        "allowed": allowed,
        "description": filter_descriptions([kept_params(report.filters.params())])[0],
        "query": report.filters.query(),
        "zone": account_zone()[0],
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "reporting/subscription_form.html", values, status=status)


def _first_mail_note(subscription: ReportSubscription) -> str:
    zone_key, zone = account_zone()
    first = next_mail_at(subscription, timezone.now().astimezone(zone))
    return _("Subscribed. The first e-mail comes on %(day)s at 07:00 (%(zone)s).") % {
        "day": formats.date_format(first.date(), "DATE_FORMAT"),
        "zone": zone_key,
    }


@require_GET
@reports_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    zone_key, zone = account_zone()
    local_now = timezone.now().astimezone(zone)
    subscriptions = subscriptions_for_user(request.user)
    for subscription in subscriptions:
        subscription.next_mail = next_mail_at(subscription, local_now)
    return render(
        request,
        "reporting/subscription_list.html",
        {
            "nav_section": SECTION,
            "subscriptions": subscriptions,
            "zone": zone_key,
            "zone_info": zone,
        },
    )


@require_POST
@reports_required
def subscription_remove(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(ReportSubscription, pk=pk, user=request.user)
    subscription_delete(subscription=subscription)
    messages.success(request, _("Deleted the report e-mail."))
    return redirect("reporting:subscription-list")


@login_not_required
@require_http_methods(["GET", "POST"])
def subscription_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every mail: a page with a button (GET), which stops the mail (POST). The
    signed token is the only credential, so no sign-in is needed; a changed token gets 400."""
    template = "reporting/subscription_unsubscribe.html"
    try:
        subscription = subscription_for_token(token)
    except signing.BadSignature:
        return render(request, template, {"invalid": True}, status=400)
    stopped = subscription is None or not subscription.active
    if request.method == "POST":
        if not stopped:
            subscription_stop(subscription=subscription)
        return redirect("reporting:subscription-unsubscribe", token=token)
    return render(
        request, template, {"subscription": subscription, "stopped": stopped, "token": token}
    )
