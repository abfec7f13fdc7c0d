"""Export: a JSON archive of everything the site holds about the member."""

import io
import json
import zipfile

import pytest
from django.conf import settings

from privacy import services
from privacy.models import DataExport, ExportStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _archive(client, export: DataExport) -> dict:
    response = client.get(f"/accounts/privacy/export/{export.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("personal-data.json"))


def test_export_holds_profile_posts_with_revisions_comments_votes_and_more(
    client, active_member, private_storage
) -> None:
    member = active_member["member"]
    client.force_login(member)
    response = client.post("/accounts/privacy/export/")
    assert response.status_code == 302
    export = DataExport.objects.get(user=member)
    assert export.status == ExportStatus.READY  # a small account: built at once
    data = _archive(client, export)

    assert data["account"]["email"] == "camille@example.com"
    assert data["account"]["about"] == "I live at 3 rue des Lilas"
    posts = {post["id"]: post for post in data["posts"]}
    question = posts[active_member["question"].pk]
    assert [r["body"] for r in question["revisions"]] == [
        "Since the firmware update, my lamp blinks every few minutes.",
        "Since the firmware update 2.1, my lamp blinks every few minutes.",
    ]
    assert question["revisions"][1]["comment"] == "firmware version"
    assert posts[active_member["answer"].pk]["type"] == "answer"
    assert [c["body_source"] for c in data["comments"]] == ["Which app version do you have?"]
    assert data["votes"] == [
        {
            "post_id": active_member["their_question"].pk,
            "value": 1,
            "created_at": data["votes"][0]["created_at"],
        }
    ]
    # +10 for the upvoted answer, after the imported starting reputation.
    assert [e["amount"] for e in data["reputation_history"]][-1] == 10
    assert {c["kind"] for c in data["consents"]} == set()  # factory members skipped sign-up
    assert "login_history" in data and "badges" in data
    assert data["format"] == services.EXPORT_FORMAT
    # Nothing about the other member leaks into the archive.
    assert "Other Person" not in json.dumps(data)


def test_export_lists_login_history_and_consents(client, private_storage) -> None:
    member = UserFactory(username="dominique", password="a-long-and-unusual-passphrase")
    client.post(
        "/accounts/login/", {"login": "dominique", "password": "a-long-and-unusual-passphrase"}
    )
    services.policies_accept(user=member)
    client.post("/accounts/privacy/email/", {"email_notifications": "on"})
    client.post("/accounts/privacy/export/")
    data = _archive(client, DataExport.objects.get(user=member))
    assert len(data["login_history"]) == 1 and data["login_history"][0]["method"] == "password"
    assert {c["kind"] for c in data["consents"]} == {"terms", "privacy", "email_notifications"}
    # The e-mail choices themselves are in the archive too.
    mail = {p["kind"] for p in data["notification_preferences"]["mail"]}
    assert mail == {"answer", "comment", "reply", "mention"}
    versions = {c["kind"]: c["version"] for c in data["consents"]}
    assert versions["terms"] == settings.PRIVACY["TERMS_VERSION"]
    assert versions["privacy"] == settings.PRIVACY["PRIVACY_VERSION"]


def test_large_accounts_are_exported_in_the_background(
    client, active_member, private_storage, settings
) -> None:
    settings.PRIVACY = {**settings.PRIVACY, "EXPORT_INLINE_MAX_ITEMS": 1}
    member = active_member["member"]
    client.force_login(member)
    client.post("/accounts/privacy/export/")
    export = DataExport.objects.get(user=member)
    assert export.status == ExportStatus.PENDING
    page = client.get("/accounts/privacy/").content.decode()
    assert "Being prepared" in page
    # A second request while one is pending is refused (409), not duplicated.
    assert client.post("/accounts/privacy/export/").status_code == 409
    assert services.exports_build_pending() == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert _archive(client, export)["account"]["username"] == "camille"


def test_nobody_else_can_download_an_archive(client, active_member, private_storage) -> None:
    export = services.export_request(user=active_member["member"])
    client.force_login(active_member["other"])
    assert client.get(f"/accounts/privacy/export/{export.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/accounts/privacy/export/{export.pk}/").status_code == 302
