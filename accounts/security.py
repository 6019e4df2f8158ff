"""Brute-force protection: django-axes' log-in lock-out, and request limits for sign-up and
password reset.

Axes counts failed log-ins per account and client address (settings.AXES_*). Sign-up and
password reset have no password to guess but send e-mail and create rows, so they are
limited per client address with a counter in the cache (settings.RATE_LIMITS).
"""

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import forms


def client_ip(request) -> str:
    """The client's address: the socket's, or the one the trusted proxies recorded."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def normalise_username(request, credentials) -> str:
    """The e-mail as typed, trimmed and lower-cased, so "A@x" and "a@x" share one count."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None and request is not None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return (value or "").strip().lower()


def lockout_message() -> str:
    hours = settings.AXES_COOLOFF_TIME
    duration = _("%(hours)s ชั่วโมง") % {"hours": f"{hours:g}"} if hours >= 1 else _(
        "%(minutes)s นาที"
    ) % {"minutes": f"{hours * 60:g}"}
    return _(
        "เข้าสู่ระบบไม่สำเร็จติดต่อกันหลายครั้ง ระบบจึงระงับการเข้าสู่ระบบของบัญชีนี้จากเครื่องนี้ไว้ %(duration)s "
        "หากลืมรหัสผ่าน กรุณาใช้ “ลืมรหัสผ่าน” หรือติดต่อผู้ตรวจสอบของจังหวัดให้ปลดล็อก"
    ) % {"duration": duration}


def lockout_response(request, original_response=None, credentials=None):
    """The log-in page again, with the reason and what to do, as 429 Too Many Requests."""
    form = forms.LoginForm(request, initial={"username": normalise_username(request, credentials)})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )


def active_lockouts() -> QuerySet[AccessAttempt]:
    """Account+address pairs that are locked out right now."""
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )


# --- Request limits per client address ---------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    action: str
    limit: int
    window_seconds: int

    @classmethod
    def named(cls, action: str) -> "RateLimit":
        limit, window = settings.RATE_LIMITS[action]
        return cls(action, limit, window)

    def _key(self, request) -> str:
        address = client_ip(request) or "unknown"
        window = int(timezone.now().timestamp()) // self.window_seconds
        return f"ratelimit:{self.action}:{address}:{window}"

    def hit(self, request) -> bool:
        """Count one request; False when this address has used up its allowance."""
        key = self._key(request)
        cache.add(key, 0, timeout=self.window_seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window_seconds)
            count = 1
        return count <= self.limit

    def message(self) -> str:
        return _("มีการส่งคำขอจากเครื่องนี้มากเกินไป กรุณารอประมาณ %(minutes)s นาทีแล้วลองใหม่") % {
            "minutes": self.window_seconds // 60
        }
