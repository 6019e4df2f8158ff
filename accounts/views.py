"""Account pages: sign-up, sign-in and passwords, approvals, moderators, province pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import forms, services
from accounts.security import RateLimit, active_lockouts
from accounts.models import SignupRequest, User
from accounts.permissions import (
    administrator_required,
    can_decide_signup,
    can_edit_province,
    is_administrator,
    moderator_required,
    profile_of,
)
from provinces.models import OfficerProfile, Province, Role

# What the "show offices" step carries over; passwords are never sent back to the browser.
SIGNUP_CARRIED_FIELDS = ["email", "title", "title_other", "first_name", "last_name", "position", "province", "phone"]


def _site_url(request) -> str:
    """The portal's address as the person reached it, for links in e-mails."""
    return request.build_absolute_uri("/")


def _first_url(*names: str, default: str = "/") -> str:
    """The first of these pages that exists (other parts of the portal may not be installed)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return default


def _show_service_errors(form, error: ValidationError) -> None:
    """Put a service's refusal next to the matching field, or at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# --- Sign-up -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    """An officer applies for an account; a moderator of their province approves it."""
    if request.user.is_authenticated:
        messages.info(request, _("คุณเข้าสู่ระบบอยู่แล้ว"))
        return redirect("/")
    if request.method == "POST" and "show_offices" in request.POST:
        # Without JavaScript the office list follows the province in a second round trip.
        typed = {name: request.POST.get(name, "") for name in SIGNUP_CARRIED_FIELDS}
        form = forms.SignupForm(initial=typed)
        form.fields["district"].widget.attrs["autofocus"] = True
    elif request.method == "POST":
        form = forms.SignupForm(request.POST)
        limit = RateLimit.named("signup")
        if not limit.hit(request):
            form.full_clean()
            form.add_error(None, limit.message())
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.officer_signup(
                    email=data["email"],
                    password=data["password1"],
                    full_name=form.full_name,
                    position=data["position"],
                    province=data["province"],
                    district=data["district"],
                    phone=data["phone"],
                    site_url=_site_url(request),
                )
            except ValidationError as error:
                _show_service_errors(form, error)
            else:
                return redirect("accounts:signup-done")
    else:
        form = forms.SignupForm(initial={"province": request.GET.get("province", "")})
    return render(request, "accounts/signup.html", {"form": form})


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html")


@require_GET
@cache_control(public=True, max_age=3600)
def districts(request):
    """The offices of one active province as JSON, for the sign-up and article forms.

    ``?province=`` takes the province's id or its slug.
    """
    value = request.GET.get("province", "").strip()
    # isdecimal(), not isdigit(): "²" is a digit that int() refuses.
    lookup = {"pk": int(value)} if value.isdecimal() else {"slug": value}
    province = Province.objects.active().filter(**lookup).first() if value else None
    if province is None:
        return JsonResponse({"error": _("ไม่พบจังหวัดที่เลือก")}, status=404)
    return JsonResponse(
        {
            "province": {"id": province.pk, "slug": province.slug, "name_th": province.name_th},
            "provincial_office": {
                "value": forms.PROVINCIAL_OFFICE,
                "label": _("สำนักงานพัฒนาชุมชนจังหวัด%(province)s") % {"province": province.name_th},
            },
            "districts": [
                {"id": district.pk, "name_th": district.name_th, "office_name": district.office_name}
                for district in forms.districts_in_thai_order(province)
            ],
        }
    )


# --- Sign-in, sign-out and passwords (Django's views, the portal's forms and pages) --


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.next_page:
            return super().get_default_redirect_url()
        return _first_url("articles:my-list")


class LogoutView(auth_views.LogoutView):
    """Sign out by POST only (Django 5), then the 'signed out' page."""


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers the same way, so nobody learns which addresses have accounts."""

    form_class = forms.PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request, *args, **kwargs):
        limit = RateLimit.named("password_reset")
        if not limit.hit(request):
            form = self.get_form()
            form.full_clean()
            form.add_error(None, limit.message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


# --- Approving officers ----------------------------------------------------------------


def _requests_visible_to(user):
    """Sign-up requests of the provinces this person moderates."""
    requests = SignupRequest.objects.select_related(
        "user__profile__province", "user__profile__district", "decided_by__profile"
    )
    if is_administrator(user):
        return requests
    profile = profile_of(user)
    return requests.filter(user__profile__province_id=profile.province_id)


def _get_signup_request_for_decision(request, pk: int) -> SignupRequest:
    """The request named in the URL, if this moderator may decide it (else 404 / 403)."""
    signup_request = get_object_or_404(
        SignupRequest.objects.select_related("user__profile__province"), pk=pk
    )
    if not can_decide_signup(request.user, signup_request.user):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์พิจารณาคำขอของเจ้าหน้าที่จังหวัดนี้"))
    return signup_request


def _approvals_redirect(request):
    url = reverse("accounts:approvals")
    province = request.POST.get("return_province", "")
    return redirect(f"{url}?{urlencode({'province': province})}" if province else url)


def _render_approvals(request, *, reject_form_for: tuple[int, forms.RejectSignupForm] | None = None):
    administrator = is_administrator(request.user)
    filter_form = forms.ProvinceFilterForm(request.GET or request.POST or None)
    requests = _requests_visible_to(request.user)
    chosen_province = None
    if administrator and filter_form.is_valid():
        chosen_province = filter_form.cleaned_data.get("province")
        if chosen_province:
            requests = requests.filter(user__profile__province=chosen_province)
    pending = list(requests.pending().order_by("requested_at", "id"))
    rows = [
        (
            item,
            reject_form_for[1]
            if reject_form_for and reject_form_for[0] == item.pk
            else forms.RejectSignupForm(prefix=f"reject-{item.pk}"),
        )
        for item in pending
    ]
    decided = list(requests.exclude(status=SignupRequest.Status.PENDING).order_by("-decided_at", "-id")[:20])
    profile = profile_of(request.user)
    return render(
        request,
        "accounts/approvals.html",
        {
            "rows": rows,
            "decided": decided,
            "filter_form": filter_form if administrator else None,
            "chosen_province": chosen_province,
            "own_province": None if administrator else profile.province,
        },
    )


@moderator_required
@require_GET
def approvals(request):
    """Pending applications of the moderator's province (administrators: all, by province)."""
    return _render_approvals(request)


@moderator_required
@require_POST
def approve(request, pk: int):
    signup_request = _get_signup_request_for_decision(request, pk)
    try:
        services.officer_approve(signup_request=signup_request, by=request.user, site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("อนุมัติบัญชีของ %(name)s แล้ว ระบบแจ้งผู้สมัครทางอีเมลแล้ว")
            % {"name": signup_request.user.profile.full_name},
        )
    return _approvals_redirect(request)


@moderator_required
@require_POST
def reject(request, pk: int):
    signup_request = _get_signup_request_for_decision(request, pk)
    form = forms.RejectSignupForm(request.POST, prefix=f"reject-{pk}")
    if not form.is_valid():
        return _render_approvals(request, reject_form_for=(pk, form))
    try:
        services.officer_reject(
            signup_request=signup_request,
            by=request.user,
            reason=form.cleaned_data["reason"],
            site_url=_site_url(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("ไม่อนุมัติคำขอของ %(name)s แล้ว ระบบแจ้งเหตุผลให้ผู้สมัครทางอีเมลแล้ว")
            % {"name": signup_request.user.profile.full_name},
        )
    return _approvals_redirect(request)


# --- Appointing province moderators (administrators only) --------------------------------


@administrator_required
@require_GET
def moderators(request):
    """Current province moderators, and the officers of a chosen province who could be appointed."""
    search = forms.ModeratorSearchForm(request.GET or None)
    province, query = None, ""
    if search.is_valid():
        province, query = search.cleaned_data.get("province"), search.cleaned_data.get("q", "").strip()
    people = OfficerProfile.objects.select_related("user", "province", "district")
    current = people.filter(role=Role.MODERATOR)
    if province:
        current = current.filter(province=province)
    candidates = []
    if province or query:
        candidates = people.filter(role=Role.OFFICER, user__is_active=True)
        if province:
            candidates = candidates.filter(province=province)
        if query:
            candidates = candidates.filter(
                Q(full_name__icontains=query) | Q(user__email__icontains=query) | Q(position__icontains=query)
            )
        candidates = list(candidates.order_by("province__name_th", "full_name")[:50])
    return render(
        request,
        "accounts/moderators.html",
        {
            "search": search,
            # Not "province": that name brands the whole page as the province's own site.
            "chosen_province": province,
            "query": query,
            "current": list(current.order_by("province__name_th", "full_name")),
            "candidates": candidates,
            "searched": bool(province or query),
        },
    )


def _moderators_redirect(request):
    url = reverse("accounts:moderators")
    params = {key: request.POST.get(f"return_{key}", "") for key in ("province", "q")}
    params = {key: value for key, value in params.items() if value}
    return redirect(f"{url}?{urlencode(params)}" if params else url)


def _change_moderator_role(request, user_id: int, service, success: str):
    person = get_object_or_404(User.objects.select_related("profile__province"), pk=user_id)
    try:
        service(person=person, by=request.user, site_url=_site_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        profile = OfficerProfile.objects.select_related("province").get(user=person)
        messages.success(request, success % {"name": profile.full_name, "province": profile.province.name_th})
    return _moderators_redirect(request)


@administrator_required
@require_POST
def moderator_appoint(request, user_id: int):
    return _change_moderator_role(
        request, user_id, services.moderator_appoint,
        _("แต่งตั้ง %(name)s เป็นผู้ตรวจสอบจังหวัด%(province)sแล้ว ระบบแจ้งทางอีเมลแล้ว"),
    )


@administrator_required
@require_POST
def moderator_revoke(request, user_id: int):
    return _change_moderator_role(
        request, user_id, services.moderator_revoke,
        _("%(name)s ไม่ได้เป็นผู้ตรวจสอบจังหวัด%(province)sแล้ว ระบบแจ้งทางอีเมลแล้ว"),
    )


# --- A province's own pages ---------------------------------------------------------------


def _get_province_for_editing(request, province_slug: str) -> Province:
    """The province named in the URL, if this person may edit its site (else 404 / 403)."""
    province = get_object_or_404(Province, slug=province_slug)
    if not can_edit_province(request.user, province):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์แก้ไขหน้าเว็บไซต์ของจังหวัดนี้"))
    return province


@login_required
@require_http_methods(["GET", "POST"])
def province_edit(request, province_slug: str):
    """A moderator edits their province's title, colour, logo, banner, contacts and about page."""
    province = _get_province_for_editing(request, province_slug)
    if request.method == "POST":
        form = forms.ProvinceBrandingForm(request.POST, request.FILES, instance=province)
        if form.is_valid():
            services.province_branding_update(
                province=province,
                by=request.user,
                changes=form.branding_changes(),
                logo=form.clean_images.get("logo"),
                banner=form.clean_images.get("banner"),
                clear_logo=form.image_cleared("logo"),
                clear_banner=form.image_cleared("banner"),
            )
            messages.success(request, _("บันทึกหน้าเว็บไซต์จังหวัด%(province)sแล้ว") % {"province": province.name_th})
            return redirect("accounts:province-edit", province_slug=province.slug)
        # Show the saved pictures, not the refused upload the form put on the instance.
        province = Province.objects.get(pk=province.pk)
    else:
        form = forms.ProvinceBrandingForm(instance=province)
    return render(request, "accounts/province_edit.html", {"form": form, "province": province})



# --- Log-in lock-outs (django-axes) ------------------------------------------------------


def _lockouts_visible_to(user):
    """Locked-out log-ins a moderator may lift: accounts of their province (administrators: all)."""
    lockouts = active_lockouts().order_by("-attempt_time")
    if is_administrator(user):
        return lockouts
    emails = User.objects.filter(profile__province_id=profile_of(user).province_id).values("email")
    return lockouts.filter(username__in=emails)


@moderator_required
@require_GET
def lockouts(request):
    """Accounts refused at log-in after repeated failures, with an unlock button each."""
    rows = list(_lockouts_visible_to(request.user))
    people = {
        person.email: person
        for person in User.objects.filter(email__in=[row.username for row in rows]).select_related(
            "profile__province"
        )
    }
    return render(
        request,
        "accounts/lockouts.html",
        {"rows": [(row, people.get(row.username)) for row in rows], "administrator": is_administrator(request.user)},
    )


@moderator_required
@require_POST
def lockout_unlock(request, pk: int):
    attempt = get_object_or_404(_lockouts_visible_to(request.user), pk=pk)
    # Every address's count for this account goes, so the officer can sign in anywhere.
    active_lockouts().filter(username=attempt.username).delete()
    messages.success(request, _("ปลดล็อกการเข้าสู่ระบบของ %(account)s แล้ว") % {"account": attempt.username})
    return redirect("accounts:lockouts")
