from django import template

from campaigns.sso.selectors import enabled_providers

register = template.Library()


@register.inclusion_tag("sso/_sign_in_buttons.html", takes_context=True)
def sso_sign_in_buttons(context) -> dict:
    """The "Sign in with ..." buttons of the login page, one per enabled provider."""
    return {
        "providers": enabled_providers(),
        "next": context.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }
