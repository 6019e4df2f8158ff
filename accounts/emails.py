"""The portal's plain-text Thai e-mails about accounts.

Each message is rendered from templates/accounts/email/<name>.txt and sent one
per recipient, so moderators never see each other's addresses. Links are
absolute: views pass ``site_url`` built with request.build_absolute_uri.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)



def subject_prefix() -> str:
    """Every account e-mail's subject starts with the portal's name in brackets."""
    return f"[{_('พอร์ทัลสัมมาชีพชุมชน')}] "


def absolute(site_url: str, path: str) -> str:
    """A link a mail reader can follow: the site's scheme and host plus a path."""
    return f"{site_url.rstrip('/')}{path}"


def site_links(site_url: str) -> dict[str, str]:
    """The pages account e-mails point people to."""
    return {
        "site_url": site_url.rstrip("/") + "/",
        "login_url": absolute(site_url, reverse("accounts:login")),
        "approvals_url": absolute(site_url, reverse("accounts:approvals")),
        "password_reset_url": absolute(site_url, reverse("accounts:password-reset")),
    }


def send_portal_mail(*, to: list[str], subject: str, template: str, context: dict) -> int:
    """Send one plain-text message per address; returns how many were sent."""
    addresses = sorted({address for address in to if address})
    if not addresses:
        return 0
    body = render_to_string(f"accounts/email/{template}.txt", context)
    full_subject = subject_prefix() + " ".join(subject.split())
    with get_connection() as connection:
        messages = [
            EmailMessage(
                subject=full_subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=connection,
            )
            for address in addresses
        ]
        return connection.send_messages(messages) or 0


def mail_signup_received(*, applicant, site_url: str) -> int:
    profile = applicant.profile
    return send_portal_mail(
        to=[applicant.email],
        subject=_("ได้รับคำขอสมัครใช้งานแล้ว รอการอนุมัติ"),
        template="signup_received",
        context={"profile": profile, "email": applicant.email, **site_links(site_url)},
    )


def mail_signup_to_moderators(*, applicant, recipients: list[str], site_url: str) -> int:
    profile = applicant.profile
    links = site_links(site_url)
    return send_portal_mail(
        to=recipients,
        subject=_("มีคำขอสมัครใหม่: %(name)s จังหวัด%(province)s")
        % {"name": profile.full_name, "province": profile.province.name_th},
        template="signup_to_moderators",
        context={
            "profile": profile,
            "email": applicant.email,
            **links,
            "approvals_url": f"{links['approvals_url']}?province={profile.province.slug}",
        },
    )


def mail_signup_approved(*, applicant, decided_by, site_url: str) -> int:
    return send_portal_mail(
        to=[applicant.email],
        subject=_("บัญชีของคุณได้รับการอนุมัติแล้ว"),
        template="signup_approved",
        context={"profile": applicant.profile, "email": applicant.email, "decided_by": decided_by,
                 **site_links(site_url)},
    )


def mail_signup_rejected(*, applicant, reason: str, decided_by, site_url: str) -> int:
    return send_portal_mail(
        to=[applicant.email],
        subject=_("คำขอสมัครใช้งานของคุณไม่ได้รับการอนุมัติ"),
        template="signup_rejected",
        context={"profile": applicant.profile, "email": applicant.email, "reason": reason,
                 "decided_by": decided_by, "signup_url": absolute(site_url, reverse("accounts:signup")),
                 **site_links(site_url)},
    )


def mail_moderator_appointed(*, person, by, site_url: str) -> int:
    return send_portal_mail(
        to=[person.email],
        subject=_("คุณได้รับแต่งตั้งเป็นผู้ตรวจสอบระดับจังหวัด%(province)s")
        % {"province": person.profile.province.name_th},
        template="moderator_appointed",
        context={"profile": person.profile, "by": by, **site_links(site_url),
                 "admin_url": absolute(site_url, reverse("admin:index"))},
    )


def mail_moderator_revoked(*, person, by, site_url: str) -> int:
    return send_portal_mail(
        to=[person.email],
        subject=_("สิ้นสุดการเป็นผู้ตรวจสอบระดับจังหวัด%(province)s")
        % {"province": person.profile.province.name_th},
        template="moderator_revoked",
        context={"profile": person.profile, "by": by, **site_links(site_url)},
    )
