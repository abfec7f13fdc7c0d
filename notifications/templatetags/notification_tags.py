from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from notifications import selectors
from notifications.kinds import KINDS
from notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    return selectors.unread_count(user)


def message_text(notification: Notification) -> str:
    """The notification's line as plain text (e-mail subjects, feeds)."""
    kind = KINDS.get(notification.kind)
    actor = notification.actor.public_name if notification.actor else _("Someone")
    if kind is None:
        return notification.title
    return str(kind.message) % {"actor": actor, "title": notification.title}


@register.filter
def notification_message(notification: Notification) -> SafeString:
    """The notification's line, the actor in bold; every value escaped."""
    kind = KINDS.get(notification.kind)
    if kind is None:
        return conditional_escape(notification.title)
    actor = notification.actor.public_name if notification.actor else _("Someone")
    # The message is ours; every value in it is escaped.
    return mark_safe(
        conditional_escape(str(kind.message))
        % {
            "actor": format_html("<strong>{}</strong>", actor),
            "title": conditional_escape(notification.title),
        }
    )
