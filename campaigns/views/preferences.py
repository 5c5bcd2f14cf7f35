"""A person's own preferences: every signed-in role may change their time zone and number format."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.forms.preferences import PreferencesForm
from campaigns.services.people import user_preferences_save


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own time zone and number format (anyone signed in)."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_preferences_save(
            actor=request.user,
            user=request.user,
            time_zone=form.cleaned_data["time_zone"],
            number_format=form.cleaned_data["number_format"],
        )
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    status = 422 if form.errors else 200
    return render(request, "campaigns/preferences_form.html", {"form": form}, status=status)
