"""The WSGI application gunicorn serves (``outcomes_site.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

from outcomes_site.frame_room import with_frame_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.settings")
# Each request runs in one chunk of CPython's frame stack (frame_room.py: up to 156 mmap/munmap
# pairs per request without it).
application = with_frame_room(get_wsgi_application())
