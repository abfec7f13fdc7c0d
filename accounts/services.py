from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import User


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """Create a member. E-mail addresses are unique, whatever their case."""
    email = User.objects.normalize_email(email).strip()
    taken = ValidationError({"email": _("An account with this e-mail address already exists.")})
    if User.objects.filter(email__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username, email=email, password=password, display_name=display_name.strip()
            )
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the constraint decides.
        raise taken from None
