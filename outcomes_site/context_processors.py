from django.http import HttpRequest

from outcomes_site.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items_for(user)}
