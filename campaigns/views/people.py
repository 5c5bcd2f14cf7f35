"""People pages: admins manage users, skills and agent groups."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.forms.people import GroupForm, SkillForm, UserForm
from campaigns.models import AgentGroup, Skill, User
from campaigns.selectors.people import groups_list, skills_list, users_list
from campaigns.services.people import group_save, skill_save, user_save
from campaigns.sso.forms import directory_fields_lock
from campaigns.sso.selectors import sso_managed_user_ids

MANAGE_PEOPLE = "campaigns.manage_people"


def _people_page(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    return render(request, template, {"nav_section": "people", **context}, status=status)


@require_GET
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    return _people_page(
        request,
        "campaigns/user_list.html",
        {"users": users_list(), "tab": "users", "sso_ids": sso_managed_user_ids()},
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def user_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    person = get_object_or_404(User, pk=pk) if pk else User()
    form = UserForm(request.POST or None, instance=person)
    sso_managed = directory_fields_lock(form, person)  # read-only: set by single sign-on
    if request.method == "POST" and form.is_valid():
        user_save(
            actor=request.user,
            user=form.save(commit=False),
            roles=list(form.cleaned_data["roles"]),
            skills=list(form.cleaned_data["skills"]),
            password=form.cleaned_data["password"] or None,
        )
        messages.success(request, _("Saved %(name)s.") % {"name": person})
        return redirect("campaigns:user-list")
    status = 422 if form.errors else 200
    return _people_page(
        request,
        "campaigns/user_form.html",
        {"form": form, "person": person, "tab": "users", "sso_managed": sso_managed},
        status,
    )


@require_GET
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def skill_list(request: HttpRequest) -> HttpResponse:
    return _people_page(
        request, "campaigns/skill_list.html", {"skills": skills_list(), "tab": "skills"}
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def skill_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk) if pk else Skill()
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        skill_save(actor=request.user, skill=form.save(commit=False))
        messages.success(request, _("Saved skill %(name)s.") % {"name": skill})
        return redirect("campaigns:skill-list")
    status = 422 if form.errors else 200
    return _people_page(
        request,
        "campaigns/skill_form.html",
        {"form": form, "skill": skill, "tab": "skills"},
        status,
    )


@require_GET
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def group_list(request: HttpRequest) -> HttpResponse:
    return _people_page(
        request, "campaigns/group_list.html", {"groups": groups_list(), "tab": "groups"}
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def group_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    group = get_object_or_404(AgentGroup, pk=pk) if pk else AgentGroup()
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        group_save(
            actor=request.user,
            group=form.save(commit=False),
            managers=list(form.cleaned_data["managers"]),
            members=list(form.cleaned_data["members"]),
        )
        messages.success(request, _("Saved group %(name)s.") % {"name": group})
        return redirect("campaigns:group-list")
    status = 422 if form.errors else 200
    return _people_page(
        request,
        "campaigns/group_form.html",
        {"form": form, "group": group, "tab": "groups"},
        status,
    )
