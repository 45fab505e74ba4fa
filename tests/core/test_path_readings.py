"""PathRouter: every reading a framework may route a path by selects the same rule, or none applies."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cors_wsgi import ConfigError
from cors_wsgi.resources import MAX_NONCANONICAL_PATH, PathPattern, PathRouter

ADMIN, LOOSE, LOGIN, ITEMS = object(), object(), object(), object()


def exploit_router() -> PathRouter[object]:
    return PathRouter([("/api/admin/*", ADMIN), ("/*", LOOSE)])


# The readings, written independently of the library: what each framework does to PATH_INFO.
def werkzeug(path: str) -> str:
    """Werkzeug's MapAdapter.match: leading slashes stripped (Falcon does the same)."""
    return "/" + path.lstrip("/")


def merge_slashes(path: str) -> str:
    """Werkzeug's merge_slashes, nginx's merge_slashes."""
    return re.sub("/+", "/", path)


def rfc3986(path: str) -> str:
    """remove_dot_segments, RFC 3986 section 5.2.4, step by step with its input and output buffers."""
    source, output = path, ""
    while source:
        if source.startswith("../"):
            source = source[3:]
        elif source.startswith("./") or source.startswith("/./"):
            source = source[2:]
        elif source == "/.":
            source = "/"
        elif source.startswith("/../") or source == "/..":
            source = "/" + source[4:] if source.startswith("/../") else "/"
            output = output[: max(output.rfind("/"), 0)]
        elif source in (".", ".."):
            source = ""
        else:
            end = source.find("/", 1)
            end = len(source) if end < 0 else end
            output, source = output + source[:end], source[end:]
    return output


def pyramid(path: str) -> str:
    """Pyramid's traversal split_path_info: empty and '.' segments dropped, '..' pops."""
    clean: list[str] = []
    for segment in path.strip("/").split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if clean:
                del clean[-1]
        else:
            clean.append(segment)
    return "/" + "/".join(clean)


def add_slash(path: str) -> str:
    """A route with strict_slashes=False also serves the path without its trailing slash."""
    return path if path.endswith("/") else path + "/"


def strip_slash(path: str) -> str:
    """Falcon's strip_url_path_trailing_slash."""
    return path[:-1] if path.endswith("/") and len(path) > 1 else path


READINGS: list[Callable[[str], str]] = [werkzeug, merge_slashes, rfc3986, pyramid, add_slash, strip_slash]


@pytest.mark.parametrize(
    "path",
    [
        "//api/admin/users",
        "///api/admin/users",
        "/api//admin/users",
        "/x/../api/admin/users",
        "/x/y/../../api/admin/users",
        "/./api/admin/users",
        "/../api/admin/users",
        "api/admin/users",
        "//x/../api/admin/users",
    ],
)
def test_a_spelling_routed_to_the_admin_view_gets_no_rule_at_all(path: str) -> None:
    assert any(reading(path) == "/api/admin/users" for reading in READINGS) or path == "api/admin/users"
    assert exploit_router().match(path) is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin//users",
        "/api/admin/./users",
        "/api/admin/x/../users",
        "/api/admin/users/",
        "/api/admin/",
        "/api/admin/../../api/admin/users",
    ],
)
def test_a_spelling_that_stays_under_one_rule_keeps_that_rule(path: str) -> None:
    assert exploit_router().match(path) is ADMIN


@pytest.mark.parametrize("path", ["/api/admin/../../blog", "/api/admin/..", "/api/admin//../../blog"])
def test_a_dot_segment_leaving_the_narrow_rule_gets_no_rule(path: str) -> None:
    assert exploit_router().match(path) is None


def test_canonical_paths_keep_their_rule() -> None:
    router = exploit_router()
    assert router.match("/api/admin/users") is ADMIN
    assert router.match("/blog/post") is LOOSE
    assert router.match("/.well-known/security.txt") is LOOSE  # a dot that is no dot segment
    assert router.match("/a..b/c.") is LOOSE


def test_every_rule_covers_its_trailing_slash_spelling() -> None:
    router = PathRouter([("/api/login", LOGIN), ("/api/*", LOOSE), (re.compile(r"/v[0-9]+/items"), ITEMS)])
    assert router.match("/api/login/") is LOGIN
    assert router.match("/v2/items/") is ITEMS
    assert router.match("/v2/items") is ITEMS
    assert PathRouter([("/api/login/", LOGIN)]).match("/api/login") is LOGIN
    assert PathRouter([(re.compile("/x/"), LOGIN)]).match("/x") is LOGIN


def test_paths_are_never_decoded_and_stay_case_sensitive() -> None:
    router = exploit_router()
    # The server decoded these once; a framework never decodes them again.
    assert router.match("/x/..%2Fapi/admin/users") is LOOSE
    assert router.match("/api/admin/x%2F..%2F..%2F..%2Fblog") is ADMIN
    assert router.match("/API/admin/users") is LOOSE
    assert PathRouter([("/a b", LOGIN)]).match("/a+b") is None


N = 200_000


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/" * 100_000 + "api/admin/users", None),
        ("/x" + "/.." * 10_000 + "/api/admin/users", None),
        ("/api/admin/" + "x" * (1 << 20), ADMIN),  # canonical: one lookup, whatever its length
        ("/api/admin/" + "./" * N, None),  # long and not canonical: no rule, readings not computed
        ("/api/admin/" + "a/" * N + "../" * (N + 2) + "blog", None),
        ("/" + "a/" * N + "../" * N + "blog", None),
    ],
)
def test_hostile_paths_are_answered_in_bounded_work_and_never_with_a_looser_rule(
    path: str, expected: object
) -> None:
    assert exploit_router().match(path) is expected


def test_a_non_canonical_path_up_to_the_bound_keeps_its_rule_and_a_longer_one_gets_none() -> None:
    head = "/api/admin//"
    at_bound = head + "x" * (MAX_NONCANONICAL_PATH - len(head))
    assert exploit_router().match(at_bound) is ADMIN
    assert exploit_router().match(at_bound + "x") is None
    assert exploit_router().match("/api/admin/" + "x" * MAX_NONCANONICAL_PATH) is ADMIN


NOT_ROUTED = "has '//' or a '.' or '..' segment, so it is not the path any request is routed by"


@pytest.mark.parametrize(
    ("rules", "problem", "fix"),
    [
        ([("/api//admin/*", 1)], NOT_ROUTED, "write '/api/admin/*'"),
        ([("/api/./login", 1)], NOT_ROUTED, "write '/api/login'"),
        ([("/a/../b/*", 1)], NOT_ROUTED, "write '/b/*'"),
        ([("/..", 1)], NOT_ROUTED, "write '/'"),
        ([("/api/login", 1), ("/api/login/", 2)], "is the same path as '/api/login'", "merge the two rules"),
    ],
)
def test_a_rule_no_request_is_routed_by_is_an_error_with_the_canonical_spelling(
    rules: list[tuple[PathPattern, int]], problem: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        PathRouter(rules)
    assert (caught.value.problem, caught.value.fix) == (problem, fix)


SEGMENTS = st.sampled_from(["a", "b", "api", "admin", "x"])
RULE_PATHS = st.lists(SEGMENTS, min_size=0, max_size=3).map(lambda parts: "/" + "/".join(parts))
RULES = st.lists(
    st.one_of(
        RULE_PATHS,
        RULE_PATHS.map(lambda path: path.rstrip("/") + "/*"),
        st.sampled_from([re.compile(r"/api/[a-z]+"), re.compile(r"/a/.*"), re.compile(r"/(a|b)/x/?")]),
    ),
    max_size=6,
    unique_by=lambda pattern: pattern if isinstance(pattern, str) else pattern.pattern,
)
PATHS = st.builds(
    lambda lead, parts, trail: lead + "/".join(parts) + trail,
    st.sampled_from(["/", "//", "///", ""]),
    st.lists(st.sampled_from(["a", "b", "api", "admin", "x", "", ".", ".."]), max_size=6),
    st.sampled_from(["", "/", "//"]),
)


def router_for(patterns: list[PathPattern]) -> PathRouter[object]:
    try:
        return PathRouter((pattern, object()) for pattern in patterns)
    except ConfigError:
        assume(False)
        raise


@settings(max_examples=400, deadline=None)
@given(RULES, PATHS, st.lists(st.sampled_from(READINGS), min_size=1, max_size=3))
def test_every_reading_of_a_path_selects_the_same_rule_or_the_path_gets_none(
    patterns: list[PathPattern], path: str, readings: list[Callable[[str], str]]
) -> None:
    router = router_for(patterns)
    value = router.match(path)
    routed = path
    for reading in readings:
        routed = reading(routed)
    assert value is None or router.match(routed) is value


@settings(max_examples=200, deadline=None)
@given(RULES, st.lists(SEGMENTS, max_size=5))
def test_a_canonical_path_and_its_trailing_slash_spelling_select_the_same_rule(
    patterns: list[PathPattern], parts: list[str]
) -> None:
    router = router_for(patterns)
    path = "/" + "/".join(parts)
    assert router.match(path) is router.match(add_slash(path))


AMBIGUOUS = object()


def test_a_caller_with_a_fallback_can_tell_disagreeing_rules_from_no_rule() -> None:
    router = PathRouter(
        [("/api/*", ADMIN), (re.compile(r"/api/(admin|internal)/.*"), LOGIN), ("/api/login", ITEMS)]
    )
    assert router.match("/blog", AMBIGUOUS) is None  # no rule at all
    assert router.match("/api/login", AMBIGUOUS) is ITEMS
    assert router.match("/api/admin/users", AMBIGUOUS) is AMBIGUOUS  # a prefix and a regex both match
    assert router.match("/api/admin/users") is None  # without a fallback, disagreement is no rule


def test_readings_that_disagree_are_ambiguous_even_when_the_raw_path_has_no_rule() -> None:
    router = PathRouter([("/api/admin/*", ADMIN)])
    for path in ("/api//admin/users", "/x/../api/admin/users", "/api/./admin/users"):
        assert router.match(path, AMBIGUOUS) is AMBIGUOUS
        assert router.match(path) is None
    assert router.match("/x//y", AMBIGUOUS) is None  # no reading has a rule: nothing to fall back from
    assert exploit_router().match("//api/admin/users", AMBIGUOUS) is AMBIGUOUS


def test_an_overlong_non_canonical_path_is_ambiguous_only_when_it_meets_a_rule() -> None:
    long = "/api/admin/" + "./" * MAX_NONCANONICAL_PATH
    assert exploit_router().match(long, AMBIGUOUS) is AMBIGUOUS
    assert PathRouter([("/blog/*", LOOSE)]).match(long, AMBIGUOUS) is None
