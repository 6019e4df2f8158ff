from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    """Users sign in with their e-mail address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("ต้องระบุอีเมล")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("ผู้ดูแลระบบสูงสุดต้องมี is_staff และ is_superuser")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # People type their address as they remember it: "Somjai@…" is somjai@….
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A portal account; the officer's details live in provinces.OfficerProfile."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("อีเมล", unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "ผู้ใช้"
        verbose_name_plural = "ผู้ใช้"
        constraints = [
            # unique=True alone would let Somjai@x and somjai@x be two accounts.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()

    def get_full_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.full_name if profile else self.email

    def get_short_name(self) -> str:
        return self.get_full_name()


class SignupRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SignupRequest.Status.PENDING)

    def for_provinces(self, province_ids):
        return self.filter(user__profile__province_id__in=province_ids)


class SignupRequest(models.Model):
    """One application of an officer for an account, and the moderator's decision on it.

    Kept apart from User.is_active, which administrators also use to suspend an
    account: a suspended officer is not an applicant. Each application is a row,
    so an officer who was turned down and applies again leaves the earlier
    decision and its reason on record.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "รออนุมัติ"
        APPROVED = "approved", "อนุมัติแล้ว"
        REJECTED = "rejected", "ไม่อนุมัติ"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signup_requests",
        verbose_name="ผู้สมัคร",
    )
    status = models.CharField(
        "สถานะ", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_at = models.DateTimeField("ส่งคำขอเมื่อ", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signup_decisions",
        verbose_name="ผู้พิจารณา",
    )
    decided_at = models.DateTimeField("พิจารณาเมื่อ", null=True, blank=True)
    rejection_reason = models.TextField("เหตุผลที่ไม่อนุมัติ", blank=True)

    objects = SignupRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "คำขอสมัครใช้งาน"
        verbose_name_plural = "คำขอสมัครใช้งาน"
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="signup_one_pending_request_per_user"
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_at__isnull=True))
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="signup_decided_exactly_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="signup_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"
