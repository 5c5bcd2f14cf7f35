"""Deployment files: the nginx configuration in front of gunicorn and its renderer."""
