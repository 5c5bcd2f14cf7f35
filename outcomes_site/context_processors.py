from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from outcomes_site.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Worked out only when the page draws its navigation: a widget fragment does not.
    return {"nav_items": SimpleLazyObject(lambda: nav_items_for(user))}
