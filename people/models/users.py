"""People: the email-login user, residents' registrations, and failed sign-ins."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=self.normalize_email(username).strip())

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the Django admin"
    )
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Registration(models.Model):
    """A resident asked for an account: it is made only when they open the link emailed to the
    address (`services.registration_confirm`), so the form answers the same whether or not the
    address has an account already, and nobody gets an account for an address they do not
    hold. Only hashes of the link's token and of the chosen password are kept; the password's
    hash is moved to the account and cleared here once it is made."""

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    password = models.CharField(max_length=128, blank=True)
    next_url = models.CharField(max_length=500, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account made when the link was opened",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Registration for {self.email}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """An attempt counted for throttling: a failed sign-in, a wrong two-factor code, a
    resident's registration, a password-reset request, or a link (password reset, invitation,
    registration) that did not work (`kind` says which; each throttle counts only its own
    kind). Stored in the database so every worker sees it. `people.services.Throttle` reads and
    writes it."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Failed sign-in"
        TWO_FACTOR = "two_factor", "Wrong two-factor code"
        REGISTRATION = "registration", "Registration"
        PASSWORD_RESET = "password_reset", "Password reset request"
        BAD_LINK = "bad_link", "Link that did not work"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SIGN_IN)
    email = models.CharField(max_length=254, db_index=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        who = self.email or self.ip_address or "unknown"
        return f"{self.get_kind_display()}: {who} at {self.at:%Y-%m-%d %H:%M}"
