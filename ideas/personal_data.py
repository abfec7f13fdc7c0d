"""Personal data held by the ideas space (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import Idea, IdeaFollower, IdeaVote


def _ideas(user: Any) -> dict[str, Any]:
    return {
        "proposed": list(
            Idea.objects.filter(author=user).values("title", "body_source", "status", "created_at")
        ),
        "supported": list(IdeaVote.objects.filter(user=user).values("idea_id", "created_at")),
        "followed": list(IdeaFollower.objects.filter(user=user).values("idea_id", "created_at")),
    }


register(
    "ideas",
    # Ideas and their support stay counted, attributed to the anonymous account.
    description="Ideas proposed, supported and followed (follows deleted on erasure).",
    export=_ideas,
    erase=lambda user: IdeaFollower.objects.filter(user=user).delete(),
    models=("ideas.Idea", "ideas.IdeaVote", "ideas.IdeaFollower", "ideas.IdeaStatusChange"),
)
