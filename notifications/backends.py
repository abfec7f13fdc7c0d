"""Log-in backend that loads a member with their unread-notification count.

Every page shows the count in its header; reading it with the user in one
query keeps each page's query count what it was. It is allauth's backend
(log-in by username or e-mail), so every log-in goes through it.
"""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from accounts.models import User

from .selectors import unread_count_expression


class UserWithUnreadCountBackend(AuthenticationBackend):
    def get_user(self, user_id: Any) -> Any:
        user = (
            User._default_manager.annotate(unread_notification_count=unread_count_expression())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
