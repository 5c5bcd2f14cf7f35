"""Data Sources: the Integrations tab (Connectors, Engagement attributes) and Configure."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from campaigns.catalogue import CATALOGUE, DataCategory
from campaigns.forms.attributes import AttributeConfigForm
from campaigns.forms.connectors import ConnectorForm
from campaigns.models import Connector
from campaigns.selectors.attributes import categories_overview, category_attributes
from campaigns.selectors.builder import skills_for_choice
from campaigns.selectors.connectors import connectors_list
from campaigns.services.attributes import ConfigConflict, attribute_config_save
from campaigns.services.connectors import connector_create, connector_revoke
from campaigns.views.common import CONFIGURE, builder_render

NEW_KEY_SESSION = "campaigns.new_connector_key"


def _integrations(request, form=None, new_key=None, status: int = 200) -> HttpResponse:
    context = {
        "tab": "integrations",
        "connectors": connectors_list(),
        "connector_form": form or ConnectorForm(),
        "new_key": new_key,
        "categories": categories_overview(now=timezone.now()),
    }
    template = "campaigns/data_sources.html"
    return builder_render(request, template, context, fragment="connectors", status=status)


@require_GET
@vary_on_headers("HX-Request")
@permission_required(CONFIGURE, raise_exception=True)
def data_sources(request: HttpRequest) -> HttpResponse:
    # A new key travels through the session for one page view only (never in a cookie).
    return _integrations(request, new_key=request.session.pop(NEW_KEY_SESSION, None))


@require_GET
@permission_required(CONFIGURE, raise_exception=True)
def data_sources_catalogue(request: HttpRequest) -> HttpResponse:
    context = {"tab": "catalogue", "catalogue": list(CATALOGUE.values())}
    return builder_render(request, "campaigns/data_sources_catalogue.html", context)


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def connector_add(request: HttpRequest) -> HttpResponse:
    form = ConnectorForm(request.POST)
    if not form.is_valid():
        return _integrations(request, form=form, status=422)
    connector, key = connector_create(name=form.cleaned_data["name"], actor=request.user)
    new_key = {"name": connector.name, "key": key}
    if request.htmx:
        return _integrations(request, new_key=new_key)
    request.session[NEW_KEY_SESSION] = new_key
    return redirect(reverse("campaigns:data-sources") + "#connectors")


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def connector_remove(request: HttpRequest, pk: int) -> HttpResponse:
    connector = get_object_or_404(Connector, pk=pk)
    connector_revoke(connector=connector, actor=request.user)
    if request.htmx:
        return _integrations(request)
    messages.success(request, _("Revoked connector %(name)s.") % {"name": connector})
    return redirect(reverse("campaigns:data-sources") + "#connectors")


def _category_or_404(category: str) -> str:
    if category not in DataCategory.values:
        raise Http404
    return category


def _configure_render(request, category: str, attribute_type: str = "", form=None, **extra):
    """The Configure page, with ``form`` standing in for ``attribute_type``'s saved state; htmx
    gets only that attribute's fragment."""
    skills = skills_for_choice()
    rows = category_attributes(category, now=timezone.now())
    for row in rows:
        row.open = row.type == attribute_type
        if row.definition.agent_reportable:
            row.form = AttributeConfigForm(
                initial=AttributeConfigForm.initial_for(row.config),
                definition=row.definition,
                skills=skills,
            )
        if row.type == attribute_type and form is not None:
            row.form = form
    status = extra.pop("status", 200)
    context = {"category": DataCategory(category), "rows": rows, "tab": "integrations", **extra}
    if request.htmx and attribute_type:
        context["row"] = next(row for row in rows if row.type == attribute_type)
    fragment = "attribute-config" if attribute_type else None
    template = "campaigns/category_configure.html"
    return builder_render(request, template, context, fragment=fragment, status=status)


def _attribute_form(request, category: str) -> AttributeConfigForm:
    definition = CATALOGUE.get(request.POST.get("attribute", ""))
    if definition is None or not definition.agent_reportable or definition.category != category:
        raise Http404
    return AttributeConfigForm(request.POST, definition=definition, skills=skills_for_choice())


def _save(request: HttpRequest, form: AttributeConfigForm) -> None:
    attribute_config_save(
        actor=request.user,
        attribute_type=form.definition.type,
        submit_by_agent=form.cleaned_data["submit_by_agent"],
        required_before_close=form.cleaned_data["required_before_close"],
        skills=form.cleaned_data["skill_objects"],
        fields=form.widget_fields(),
        expected_version=form.cleaned_data["version"],
    )


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def category_configure(request: HttpRequest, category: str) -> HttpResponse:
    """**Configure** one data category: **Submit by agent**, skills, widget fields, **Save**."""
    category = _category_or_404(category)
    if request.method == "GET":
        return _configure_render(request, category)
    form = _attribute_form(request, category)
    kind, action = form.definition.type, request.POST.get("action", "save")
    if action.partition(":")[0] in ("add", "remove", "up", "down"):
        draft = AttributeConfigForm(
            initial=form.draft(action),
            definition=form.definition,
            skills=list(form.skill_objects.values()),
        )
        draft.focus_after(action)
        return _configure_render(request, category, kind, draft, draft_action=action)
    if not form.is_valid():
        return _configure_render(request, category, kind, form, status=422)
    try:
        _save(request, form)
    except ConfigConflict:
        return _configure_render(request, category, kind, conflict=True, status=409)
    if request.htmx:
        return _configure_render(request, category, kind, saved=True)
    messages.success(request, _("Saved %(name)s.") % {"name": form.definition.label})
    return redirect(reverse("campaigns:category-configure", args=[category]) + f"#attribute-{kind}")
