from django.urls import path, register_converter

from . import views
from .services import TASK_QUEUES


class TaskQueueConverter:
    """Only the queues reviewed here, so /review/suggested-edits/ reaches
    the suggested-edit queue in ``qa.urls``."""

    regex = "|".join(TASK_QUEUES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TaskQueueConverter, "task_queue")

app_name = "moderation"

urlpatterns = [
    path("posts/<int:pk>/flag/", views.flag_post, name="flag_post"),
    path("comments/<int:pk>/flag/", views.flag_comment, name="flag_comment"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/undelete/", views.comment_undelete, name="comment_undelete"),
    path("questions/<int:pk>/close/", views.close, name="close"),
    path("questions/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("questions/<int:pk>/protect/", views.protect, name="protect"),
    path("posts/<int:pk>/lock/", views.lock, name="lock"),
    path("posts/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("posts/<int:pk>/undelete/", views.undelete, name="undelete"),
    path("review/", views.review_index, name="review_index"),
    path("review/<task_queue:queue>/", views.review_queue, name="review_queue"),
    path("moderation/", views.dashboard, name="dashboard"),
    path("moderation/flags/", views.flag_list, name="flag_list"),
    path(
        "moderation/flags/<str:kind>/<int:pk>/resolve/", views.flags_resolve, name="flags_resolve"
    ),
    path("moderation/log/", views.log, name="log"),
    path("moderation/users/<int:pk>/", views.member, name="member"),
    path("moderation/blocked-terms/", views.blocked_terms, name="blocked_terms"),
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
]
