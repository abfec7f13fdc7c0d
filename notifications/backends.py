"""Log-in backend that loads a member with their unread-notification count.

Every page shows the count in its header; reading it with the user in one
query keeps each page's query count what it was.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User

from .selectors import unread_count_expression


class UserWithUnreadCountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = (
            User._default_manager.annotate(unread_notification_count=unread_count_expression())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
