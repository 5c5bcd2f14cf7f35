"""The two reference views every request figure is compared with (SPEC section 10).

Mounted only when BENCH_REFERENCES=1, by outcomes_site/urls.py; never in production.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Skill
from workspace.models import Conversation, Visitor


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    """A bare Django view: the floor of what the stack costs."""
    return HttpResponse("ok", content_type="text/plain")


def reference_page(request: HttpRequest) -> HttpResponse:
    """Logged in, a template with a partial, three indexed queries."""
    context = {
        "conversation": Conversation.objects.order_by("pk").first(),
        "skill": Skill.objects.filter(name="Sales").first(),
        "visitor": Visitor.objects.filter(external_id="demo-visitor-0001").first(),
    }
    return render(request, "bench/reference.html", context)
