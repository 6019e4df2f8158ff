"""Error pages in the portal's look that say what happened and nothing about the system.

They render without the database (the fault may be there) and show the request id, which
every log line of the request carries (samma_portal/request_id.py).
"""

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
)
from django.template import loader

from samma_portal.request_id import current_request_id


def _render(template_name: str) -> str:
    return loader.get_template(template_name).render({"request_id": current_request_id()})


def bad_request(request, exception=None):
    return HttpResponseBadRequest(_render("400.html"))


def permission_denied(request, exception=None):
    return HttpResponseForbidden(_render("403.html"))


def server_error(request):
    return HttpResponseServerError(_render("500.html"))


def csrf_failure(request, reason=""):
    return HttpResponseForbidden(_render("403_csrf.html"))
