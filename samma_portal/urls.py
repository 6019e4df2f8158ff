import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

from articles.sitemaps import SITEMAPS
from samma_portal.media import serve_media

admin.site.site_header = "ระบบจัดการพอร์ทัลสัมมาชีพชุมชน"
admin.site.site_title = "พอร์ทัลสัมมาชีพชุมชน"
admin.site.index_title = "กรมการพัฒนาชุมชน"


@never_cache
def healthz(request):
    """The load balancer's health check and the benchmark's floor: the whole middleware stack, no query."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # The language switch is in the footer of cached public pages, which must carry no
    # reader's CSRF token. Forging it could only change a visitor's interface language,
    # and set_language redirects only within the site.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots",
    ),
    path("accounts/", include("accounts.urls")),
    path("moderation/", include("articles.urls_moderation")),
    path("", include("articles.urls")),
    # Province sites sit at the root (/lampang/), so they come last.
    path("", include("provinces.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0, re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", serve_media, name="media")
    )

handler400 = "samma_portal.error_views.bad_request"
handler403 = "samma_portal.error_views.permission_denied"
handler500 = "samma_portal.error_views.server_error"
