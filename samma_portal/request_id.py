"""A request id on every request: in the response header, in every log line, on error pages.

An id the proxy already set (X-Request-ID) is kept when it looks like one, so a line in the
proxy's log and a line in the portal's log can be matched; otherwise a new one is made.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current_request_id = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being handled in this thread or task, or "-" outside one."""
    return _current_request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so formatters can print it."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True
