"""Requests carrying a NUL character are refused with the portal's 400 page.

No address, query, form field, cookie or header of the portal has a use for NUL,
and PostgreSQL cannot store or compare a text containing one: left to reach a
query (a province slug, a search term, a session key) it fails as a server
error. Refusing it here, before any view or lazy session/user lookup, answers
every such request the same way on SQLite and on PostgreSQL.
"""

from django.core.exceptions import BadRequest

NUL = "\x00"
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _any_nul(pairs) -> bool:
    return any(NUL in key or NUL in value for key, value in pairs)


def _carries_nul(request) -> bool:
    """NUL in the path, a header, a (decoded) query or cookie value, or a posted form field."""
    if NUL in request.path_info:
        return True
    headers = ((name, value) for name, value in request.META.items() if name.startswith("HTTP_"))
    if _any_nul((name, value) for name, value in headers if isinstance(value, str)):
        return True
    query = ((key, value) for key, values in request.GET.lists() for value in values)
    if _any_nul(query) or _any_nul(request.COOKIES.items()):
        return True
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        # Form fields only: uploaded files are binary and are judged by their own checks.
        return _any_nul((key, value) for key, values in request.POST.lists() for value in values)
    return False


class RejectNullBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)
