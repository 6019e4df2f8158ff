"""Uploaded files served so that none can ever run or render as a page.

Only the portal's own re-encoded images are ever stored, but the response does not rely on
that: it names its type from an allow-list (anything else is a download), forbids sniffing,
and carries a sandboxing Content-Security-Policy. Used when the portal serves its own
media (SERVE_MEDIA, on by default); with a web server or object storage in front, the same
headers are set there (docs/deploy.md).
"""

import mimetypes
import posixpath

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@require_safe
def serve_media(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = mimetypes.guess_type(path)[0]
    filename = posixpath.basename(path)
    if content_type in INLINE_TYPES:
        response["Content-Type"] = content_type
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    else:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    # File names are random and never reused, so a copy may be kept for a long time.
    response["Cache-Control"] = "public, max-age=2592000"
    return response
