"""CORSPolicy's reading of its options, where the other suites leave a choice open."""

from __future__ import annotations

import pytest

from cors_wsgi import ConfigError, CORSPolicy


def test_a_comma_separated_list_trims_spaces_and_tabs_around_each_name() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"], allow_headers="X-A,\tX-B , X-C")

    assert (
        "Access-Control-Allow-Headers",
        "X-A, X-B, X-C, Accept, Accept-Language, Content-Language, Content-Type",
    ) in policy.preflight_headers


@pytest.mark.parametrize(
    ("option", "value", "item", "fix"),
    [
        ("allow_methods", "GET,\nPUT", "\nPUT", "use names such as 'PATCH' without spaces or commas"),
        (
            "allow_headers",
            "X-A,\r\nX-B",
            "\r\nX-B",
            "use names such as 'X-Requested-With' without spaces or commas",
        ),
        (
            "expose_headers",
            "X-A,\x0bX-B",
            "\x0bX-B",
            "use names such as 'X-Total-Count' without spaces or commas",
        ),
    ],
)
def test_a_line_break_or_other_control_character_after_a_comma_is_an_error_not_trimmed(
    option: str, value: str, item: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSPolicy(**{option: value})  # type: ignore[arg-type]

    error = caught.value
    assert (error.option, error.value, error.problem, error.fix) == (
        option,
        item,
        "is not a valid token",
        fix,
    )
