from django.urls import path

from . import bounty_views

app_name = "bounties"

urlpatterns = [
    path("questions/<int:question_id>/offer/", bounty_views.bounty_offer, name="offer"),
    path("<int:bounty_id>/award/<int:answer_id>/", bounty_views.bounty_award, name="award"),
]
