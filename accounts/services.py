"""Writes about accounts: signing up, approving, appointing moderators, province pages.

Every service takes keyword-only arguments, checks that ``by`` may act (views
check too; admin actions and commands rely on this), runs in one transaction
and sends its e-mails only once that transaction has committed, so nobody is
told about a change that was rolled back.
"""

import io
import uuid
from functools import partial

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from accounts import emails
from accounts.models import SignupRequest, User
from accounts.permissions import can_decide_signup, can_edit_province, is_administrator, profile_of
from articles.images import FORMATS, CleanImage
from provinces.models import District, OfficerProfile, Province, Role

EMAIL_TAKEN_MESSAGE = gettext_lazy(
    "อีเมลนี้มีบัญชีในพอร์ทัลแล้ว หากจำรหัสผ่านไม่ได้ ให้ใช้ “ลืมรหัสผ่าน” ที่หน้าเข้าสู่ระบบ"
)

# Longest side, in pixels, kept for a province's logo and banner.
LOGO_MAX_SIDE = 600
BANNER_MAX_SIDE = 2400

BRANDING_FIELDS = (
    "site_title",
    "theme_colour",
    "contact_phone",
    "contact_email",
    "contact_address",
    "about",
)


def _after_commit(func, **kwargs) -> None:
    """Send mail once the data is saved; a mail server fault is logged, never undoes the save."""
    transaction.on_commit(partial(func, **kwargs), robust=True)


def normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def email_may_apply(email: str) -> bool:
    """Whether a sign-up may use this address: unused, or used by a turned-down applicant."""
    existing = User.objects.filter(email__iexact=normalise_email(email)).first()
    return existing is None or _may_apply_again(existing)


def _may_apply_again(user: User) -> bool:
    """An applicant who was turned down (and never approved) may correct and apply again."""
    if user.is_active or user.is_staff or user.is_superuser:
        return False
    statuses = set(user.signup_requests.values_list("status", flat=True))
    return SignupRequest.Status.REJECTED in statuses and not statuses & {
        SignupRequest.Status.PENDING,
        SignupRequest.Status.APPROVED,
    }


def signup_reviewer_emails(*, province: Province) -> list[str]:
    """Who hears of a new applicant: the province's active moderators and every administrator."""
    reviewers = User.objects.filter(is_active=True).filter(
        Q(profile__role=Role.MODERATOR, profile__province=province)
        | Q(profile__role=Role.ADMINISTRATOR)
        | Q(is_superuser=True)
    )
    return sorted(set(reviewers.values_list("email", flat=True)))


@transaction.atomic
def officer_signup(
    *,
    email: str,
    password: str,
    full_name: str,
    position: str,
    province: Province,
    district: District | None,
    phone: str = "",
    site_url: str,
) -> SignupRequest:
    """Record an officer's application: an inactive account waiting for a moderator."""
    email = normalise_email(email)
    if not province.is_active:
        raise ValidationError({"province": _("จังหวัดนี้ยังไม่เปิดใช้งานในพอร์ทัล")})
    if district is not None and district.province_id != province.pk:
        raise ValidationError(
            {"district": _("อำเภอที่เลือกไม่ได้อยู่ในจังหวัด%(province)s กรุณาเลือกใหม่")
             % {"province": province.name_th}}
        )
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and not _may_apply_again(user):
        raise ValidationError({"email": EMAIL_TAKEN_MESSAGE})
    if user is None:
        user = User(email=email)
    user.is_active = False
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()

    profile = profile_of(user) or OfficerProfile(user=user)
    profile.full_name = " ".join(full_name.split())
    profile.position = position.strip()
    profile.province = province
    profile.district = district
    profile.phone = phone.strip()
    profile.role = Role.OFFICER
    profile.full_clean(exclude=["user"])
    profile.save()

    signup_request = SignupRequest.objects.create(user=user)
    _after_commit(emails.mail_signup_received, applicant=user, site_url=site_url)
    _after_commit(
        emails.mail_signup_to_moderators,
        applicant=user,
        recipients=signup_reviewer_emails(province=province),
        site_url=site_url,
    )
    return signup_request


def _pending_request_for_decision(*, signup_request: SignupRequest, by: User) -> SignupRequest:
    """Lock the request and check it is still open and ``by`` may decide it."""
    locked = (
        SignupRequest.objects.select_for_update()
        .select_related("user")
        .get(pk=signup_request.pk)
    )
    if not can_decide_signup(by, locked.user):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์พิจารณาคำขอของเจ้าหน้าที่จังหวัดนี้"))
    if locked.status != SignupRequest.Status.PENDING:
        raise ValidationError(
            _("คำขอนี้ได้รับการพิจารณาไปแล้ว (%(status)s)") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def officer_approve(*, signup_request: SignupRequest, by: User, site_url: str) -> SignupRequest:
    """Approve an application: the account becomes active and the officer is told."""
    signup_request = _pending_request_for_decision(signup_request=signup_request, by=by)
    signup_request.status = SignupRequest.Status.APPROVED
    signup_request.decided_by = by
    signup_request.decided_at = timezone.now()
    signup_request.full_clean()
    signup_request.save()
    applicant = signup_request.user
    applicant.is_active = True
    applicant.save(update_fields=["is_active"])
    _after_commit(emails.mail_signup_approved, applicant=applicant, decided_by=by, site_url=site_url)
    return signup_request


@transaction.atomic
def officer_reject(
    *, signup_request: SignupRequest, by: User, reason: str, site_url: str
) -> SignupRequest:
    """Turn an application down with a reason the officer reads; the account stays inactive."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ เพื่อให้ผู้สมัครแก้ไขได้")})
    signup_request = _pending_request_for_decision(signup_request=signup_request, by=by)
    signup_request.status = SignupRequest.Status.REJECTED
    signup_request.decided_by = by
    signup_request.decided_at = timezone.now()
    signup_request.rejection_reason = reason
    signup_request.full_clean()
    signup_request.save()
    applicant = signup_request.user
    if applicant.is_active:
        applicant.is_active = False
        applicant.save(update_fields=["is_active"])
    _after_commit(
        emails.mail_signup_rejected, applicant=applicant, reason=reason, decided_by=by, site_url=site_url
    )
    return signup_request


def _person_for_role_change(*, person: User, by: User) -> OfficerProfile:
    if not is_administrator(by):
        raise PermissionDenied(_("เฉพาะผู้ดูแลระบบระดับประเทศแต่งตั้งหรือถอดถอนผู้ตรวจสอบได้"))
    person = User.objects.select_for_update().get(pk=person.pk)
    # Lock the profile row only: PostgreSQL cannot lock the nullable side of the province join.
    profile = (
        OfficerProfile.objects.select_for_update(of=("self",)).select_related("province").filter(user=person).first()
    )
    if profile is None:
        raise ValidationError(_("บัญชีนี้ยังไม่มีข้อมูลเจ้าหน้าที่ (จังหวัดและสังกัด)"))
    profile.user = person
    return profile


@transaction.atomic
def moderator_appoint(*, person: User, by: User, site_url: str) -> OfficerProfile:
    """Make an officer the moderator of their own province, with access to the admin."""
    profile = _person_for_role_change(person=person, by=by)
    person = profile.user
    if not person.is_active:
        raise ValidationError(_("บัญชีนี้ยังไม่ได้รับอนุมัติหรือถูกระงับ จึงแต่งตั้งไม่ได้"))
    if profile.role == Role.MODERATOR:
        raise ValidationError(
            _("%(name)s เป็นผู้ตรวจสอบจังหวัด%(province)sอยู่แล้ว")
            % {"name": profile.full_name, "province": profile.province.name_th}
        )
    if profile.role == Role.ADMINISTRATOR or profile.province_id is None:
        raise ValidationError(_("ผู้ดูแลระบบระดับประเทศมีสิทธิ์ทุกจังหวัดอยู่แล้ว"))
    profile.role = Role.MODERATOR
    profile.full_clean(exclude=["user"])
    profile.save(update_fields=["role"])
    # The admin only opens for staff; what they may do there follows the role.
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    _after_commit(emails.mail_moderator_appointed, person=person, by=by, site_url=site_url)
    return profile


@transaction.atomic
def moderator_revoke(*, person: User, by: User, site_url: str) -> OfficerProfile:
    """Return a moderator to being an officer; their admin access ends with the role."""
    profile = _person_for_role_change(person=person, by=by)
    person = profile.user
    if profile.role != Role.MODERATOR:
        raise ValidationError(_("%(name)s ไม่ได้เป็นผู้ตรวจสอบระดับจังหวัด") % {"name": profile.full_name})
    profile.role = Role.OFFICER
    profile.save(update_fields=["role"])
    if not person.is_superuser:
        person.is_staff = False
        person.save(update_fields=["is_staff"])
    _after_commit(emails.mail_moderator_revoked, person=person, by=by, site_url=site_url)
    return profile


def fit_image(clean: CleanImage, *, max_side: int) -> CleanImage:
    """A cleaned upload, scaled down so its longest side is at most max_side pixels."""
    if max(clean.width, clean.height) <= max_side:
        return clean
    clean.content.seek(0)
    with Image.open(clean.content) as source:
        source.load()
        picture = source.copy()
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    suffix, options = FORMATS[clean.format]
    buffer = io.BytesIO()
    picture.save(buffer, format=clean.format, **options)
    return CleanImage(
        content=ContentFile(buffer.getvalue(), name=f"upload{suffix}"),
        width=picture.width,
        height=picture.height,
        format=clean.format,
    )


def _replace_image(province: Province, field_name: str, new: CleanImage | None, clear: bool) -> str | None:
    """Put a new picture (or none) in place; returns the old file's name to delete after commit."""
    field = getattr(province, field_name)
    old_name = field.name or None
    if new is not None:
        suffix = FORMATS[new.format][0]
        field.save(f"{province.slug}-{uuid.uuid4().hex[:12]}{suffix}", new.content, save=False)
        return old_name
    if clear and old_name:
        setattr(province, field_name, "")
        return old_name
    return None


@transaction.atomic
def province_branding_update(
    *,
    province: Province,
    by: User,
    changes: dict,
    logo: CleanImage | None = None,
    banner: CleanImage | None = None,
    clear_logo: bool = False,
    clear_banner: bool = False,
) -> Province:
    """Save a province site's title, colour, pictures, contact details and about page."""
    if not can_edit_province(by, province):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขหน้าเว็บไซต์ของจังหวัดนี้"))
    province = Province.objects.select_for_update().get(pk=province.pk)
    unknown = set(changes) - set(BRANDING_FIELDS)
    if unknown:
        raise ValueError(f"not branding fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(province, name, value.strip() if isinstance(value, str) else value)
    province.theme_colour = province.theme_colour.lower()
    # Check the text first, so a refused change never leaves new files behind.
    province.full_clean(exclude=["logo", "banner"])
    replaced = [
        _replace_image(province, "logo", fit_image(logo, max_side=LOGO_MAX_SIDE) if logo else None, clear_logo),
        _replace_image(
            province, "banner", fit_image(banner, max_side=BANNER_MAX_SIDE) if banner else None, clear_banner
        ),
    ]
    province.save()
    storage = Province._meta.get_field("logo").storage
    for old_name in filter(None, replaced):
        transaction.on_commit(partial(storage.delete, old_name), robust=True)
    return province
