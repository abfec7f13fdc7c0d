import pytest

from qa import services as qa
from tests.factories import TagFactory, UserFactory


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path


@pytest.fixture
def active_member(db):
    """A member with a question (edited once), an answer, a comment and votes."""
    TagFactory(name="lamp")
    member = UserFactory(
        username="camille",
        email="camille@example.com",
        display_name="Camille Dupont",
        about_source="I live at 3 rue des Lilas",
        location="Lyon",
        website_url="https://camille.example.org",
    )
    other = UserFactory(username="other", display_name="Other Person")
    question = qa.question_ask(
        author=member,
        title="Why does my lamp blink after the update?",
        body="Since the firmware update, my lamp blinks every few minutes.",
        tags="lamp",
    )
    qa.post_edit(
        editor=member,
        post=question,
        title=question.title,
        tags="lamp",
        body="Since the firmware update 2.1, my lamp blinks every few minutes.",
        summary="firmware version",
    )
    their_question = qa.question_ask(
        author=other,
        title="How do I pair two lamps together?",
        body="I want both lamps in the living room to switch on together.",
        tags="lamp",
    )
    answer = qa.answer_post(
        author=member,
        question=their_question,
        body="Open the app, choose Rooms, then drag both lamps into one room.",
    )
    qa.comment_add(author=member, post=their_question, body="Which app version do you have?")
    qa.vote_cast(voter=member, post=their_question, value=1)
    qa.vote_cast(voter=other, post=answer, value=1)
    return {
        "member": member,
        "other": other,
        "question": question,
        "their_question": their_question,
        "answer": answer,
    }
