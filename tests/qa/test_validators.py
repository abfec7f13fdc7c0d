import pytest
from django.core.exceptions import ValidationError

from qa.validators import clean_body, clean_comment, clean_tags, clean_title


def test_tags_are_normalised_lower_case_without_accents_and_deduplicated() -> None:
    assert clean_tags("Billing, SÉCURITÉ billing c# .net") == ["billing", "securite", "c#", ".net"]


def test_tags_accept_a_list() -> None:
    assert clean_tags(["Wifi", "hub"]) == ["wifi", "hub"]


@pytest.mark.parametrize("raw", ["bad_tag", "-leading", "emoji🙂", "a/b", "<script>"])
def test_malformed_tags_are_refused_with_the_tag_named(raw: str) -> None:
    with pytest.raises(ValidationError) as error:
        clean_tags(raw)
    assert error.value.code == "tag_invalid"


def test_six_tags_are_refused() -> None:
    with pytest.raises(ValidationError, match="at most 5 tags"):
        clean_tags("a b c d e f")


def test_a_tag_longer_than_35_characters_is_refused() -> None:
    with pytest.raises(ValidationError, match="longer than 35"):
        clean_tags("x" * 36)


def test_no_tag_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 1 tag"):
        clean_tags(" , ")


@pytest.mark.parametrize("title", ["", "too short", "x" * 151])
def test_title_length_is_15_to_150(title: str) -> None:
    with pytest.raises(ValidationError):
        clean_title(title)


def test_title_whitespace_is_collapsed() -> None:
    assert clean_title("  How   do I pay\nby card?  ") == "How do I pay by card?"


def test_body_padded_with_spaces_is_still_too_short() -> None:
    with pytest.raises(ValidationError, match="at least 30"):
        clean_body("short" + " " * 100 + "text")


def test_a_one_megabyte_body_is_refused_with_its_size() -> None:
    with pytest.raises(ValidationError, match="at most 30,000 characters") as error:
        clean_body("a" * 1_048_576)
    assert "1,048,576" in error.value.messages[0]


def test_comment_length_is_15_to_600() -> None:
    with pytest.raises(ValidationError):
        clean_comment("too short")
    with pytest.raises(ValidationError):
        clean_comment("x" * 601)
    assert clean_comment("  Which version are you on?  ") == "Which version are you on?"
