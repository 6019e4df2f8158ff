"""The portal's Content-Security-Policy: strict everywhere, inline styles only where needed.

CKEditor 5 writes <style> elements into the page and Django's admin uses style
attributes, so the editor pages and the admin get ``style-src 'unsafe-inline'``. Scripts
are never inline, on any page. Any response may also widen its policy with django-csp's
decorators; none of the portal's views do.
"""

from django.conf import settings

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware


def needs_inline_styles(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_INLINE_STYLE_PATH_PREFIXES))


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and needs_inline_styles(request.path_info):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
