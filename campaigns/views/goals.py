"""Campaigns and the goal library."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.forms.goals import CampaignForm, GoalForm, status_box_formset, status_boxes_from
from campaigns.models import Campaign, Goal
from campaigns.selectors.builder import account_summary, campaigns_list, goals_list
from campaigns.services.goals import campaign_make_default, campaign_save, goal_delete, goal_save
from campaigns.views.common import CONFIGURE, builder_render, form_status


@require_GET
@permission_required(CONFIGURE, raise_exception=True)
def goal_list(request: HttpRequest) -> HttpResponse:
    return builder_render(
        request, "campaigns/goal_list.html", {"goals": goals_list(), "tab": "goals"}
    )


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def goal_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk) if pk else Goal()
    form = GoalForm(request.POST or None, instance=goal, number_format=request.user.number_format)
    boxes = status_box_formset(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid() and boxes.is_valid():
        try:
            goal_save(actor=request.user, goal=form.instance, status_boxes=status_boxes_from(boxes))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved goal %(name)s.") % {"name": goal})
            return redirect("campaigns:goal-list")
    context = {"form": form, "boxes": boxes, "goal": goal, "tab": "goals"}
    return builder_render(
        request, "campaigns/goal_form.html", context, status=form_status(form, boxes)
    )


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def goal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk)
    try:
        goal_delete(actor=request.user, goal=goal)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Deleted goal %(name)s.") % {"name": goal})
    return redirect("campaigns:goal-list")


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def campaign_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk) if pk else Campaign()
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        campaign_save(actor=request.user, campaign=form.save(commit=False))
        messages.success(request, _("Saved campaign %(name)s.") % {"name": campaign})
        return redirect("campaigns:builder")
    context = {"form": form, "campaign": campaign, "tab": "campaigns"}
    return builder_render(
        request, "campaigns/campaign_form.html", context, status=form_status(form)
    )


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def campaign_default(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a campaign the account's default; htmx gets the refreshed list."""
    campaign = get_object_or_404(Campaign, pk=pk)
    campaign_make_default(actor=request.user, campaign=campaign)
    if not request.htmx:
        messages.success(request, _("%(name)s is now the default campaign.") % {"name": campaign})
        return redirect("campaigns:builder")
    context = {"campaigns": campaigns_list(), **account_summary(today=timezone.localdate())}
    return builder_render(request, "campaigns/builder.html", context, fragment="campaign-list")
