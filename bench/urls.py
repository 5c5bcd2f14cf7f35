from django.urls import path

from bench import references

urlpatterns = [
    path("bare/", references.bare, name="bench-bare"),
    path("reference/", references.reference_page, name="bench-reference"),
]
