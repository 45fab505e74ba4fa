"""``@cors`` records its options and changes nothing else; the middleware and checks find them all.

``view_options`` is what the middleware asks for a resolved view and a
request method; ``decorated_views`` is what the checks and the middleware's
start-up walk. Their rules (which handler wins, which method names are looked
up, what an include's routes are called) decide which policy answers a request.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import include, path, re_path
from django.utils.decorators import method_decorator
from django.views import View

from cors_wsgi import ConfigError
from cors_wsgi.django import cors
from cors_wsgi.django.decorators import decorated_views, view_options

A = {"allow_origins": ["https://a.example"]}
B = {"allow_origins": ["https://b.example"]}
C = {"allow_origins": ["https://c.example"]}


def plain(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse(f"{args} {sorted(kwargs.items())}")


# What the decorator records, and what it leaves alone.


def test_bare_cors_records_no_options_and_with_options_records_those() -> None:
    bare = cors(plain)
    given = cors(**A)(plain)  # type: ignore[arg-type]

    bare_options = view_options(bare, "GET")
    assert bare_options is not None
    assert dict(bare_options) == {}
    assert dict(view_options(given, "GET") or {}) == A


def test_an_undecorated_view_has_no_options() -> None:
    assert view_options(plain, "GET") is None


def test_the_recorded_options_cannot_be_changed_afterwards() -> None:
    options = dict(A)
    view = cors(**options)(plain)  # type: ignore[arg-type]
    options["allow_origins"] = ["https://changed.example"]

    recorded = view_options(view, "GET")
    assert recorded is not None
    assert dict(recorded) == A
    with pytest.raises(TypeError):
        recorded["allow_origins"] = ["https://changed.example"]  # type: ignore[index]


def test_a_decorated_function_view_answers_as_before_with_its_arguments() -> None:
    request = RequestFactory().get("/x")

    response = cors(**A)(plain)(request, "positional", key="word")  # type: ignore[arg-type]

    assert response.content == b"('positional',) [('key', 'word')]"


def test_a_decorated_function_keeps_its_name_and_docstring() -> None:
    def documented(request: HttpRequest) -> HttpResponse:
        """The docs."""
        return HttpResponse("")

    view = cors(documented)

    assert (view.__name__, view.__doc__) == ("documented", "The docs.")


def test_a_decorated_async_view_stays_a_coroutine_function_and_returns_its_response() -> None:
    async def doubled(request: HttpRequest, number: int, *, times: int = 1) -> HttpResponse:
        return HttpResponse(str(number * times))

    view = cors(**A)(doubled)  # type: ignore[arg-type]
    response = asyncio.run(view(RequestFactory().get("/"), 21, times=2))

    assert inspect.iscoroutinefunction(view)
    assert view.__name__ == "doubled"
    assert response.content == b"42"
    assert dict(view_options(view, "GET") or {}) == A


def test_a_decorated_sync_view_is_not_made_a_coroutine_function() -> None:
    assert not inspect.iscoroutinefunction(cors(plain))


def test_one_function_decorated_for_two_routes_keeps_each_routes_options() -> None:
    for_a = cors(**A)(plain)  # type: ignore[arg-type]
    for_b = cors(**B)(plain)  # type: ignore[arg-type]

    assert dict(view_options(for_a, "GET") or {}) == A
    assert dict(view_options(for_b, "GET") or {}) == B
    assert view_options(plain, "GET") is None


def test_a_decorated_class_is_the_same_class() -> None:
    class Page(View):
        pass

    class Bare(View):
        pass

    assert cors(**A)(Page) is Page  # type: ignore[arg-type]
    assert cors(Bare) is Bare
    assert dict(view_options(Page.as_view(), "GET") or {}) == A
    bare = view_options(Bare.as_view(), "GET")
    assert bare is not None
    assert dict(bare) == {}


def test_options_are_checked_at_decoration_even_before_a_view_is_given() -> None:
    with pytest.raises(ConfigError, match="did you mean 'allow_origins'") as raised:
        cors(allow_origin=["https://a.example"])  # type: ignore[call-arg]
    assert (raised.value.option, raised.value.problem) == ("allow_origin", "is not an option of cors")
    with pytest.raises(ConfigError, match="max_age"):
        cors(max_age=-1)


# Which options apply to a class-based view's request.


@cors(**B)  # type: ignore[arg-type]
class Layered(View):
    @method_decorator(cors(**A))  # type: ignore[arg-type]
    def put(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("put")

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("get")

    @method_decorator(cors(**C))  # type: ignore[arg-type]
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)


@method_decorator(cors(**C), name="dispatch")  # type: ignore[arg-type]
@cors(**B)  # type: ignore[arg-type]
class DispatchOverClass(View):
    @method_decorator(cors(**A))  # type: ignore[arg-type]
    def delete(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("deleted")

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("get")


class OnlyDispatch(View):
    @method_decorator(cors(**C))  # type: ignore[arg-type]
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]


class Undecorated(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("get")


def options_for(view_class: type[View], method: str) -> dict[str, Any] | None:
    found = view_options(view_class.as_view(), method)
    return None if found is None else dict(found)


@pytest.mark.parametrize(
    ("view_class", "method", "expected"),
    [
        (Layered, "PUT", A),
        (Layered, "put", A),
        (Layered, "GET", B),
        (Layered, "SETUP", B),
        (Layered, "OPTIONS", B),
        (DispatchOverClass, "DELETE", A),
        (DispatchOverClass, "GET", C),
        (OnlyDispatch, "GET", C),
        (Undecorated, "GET", None),
    ],
)
def test_a_handler_wins_over_dispatch_which_wins_over_the_class_and_only_http_methods_pick_a_handler(
    view_class: type[View], method: str, expected: dict[str, Any] | None
) -> None:
    assert options_for(view_class, method) == expected


def test_a_view_decorated_around_as_view_wins_over_everything_in_its_class() -> None:
    view = cors(**C)(Layered.as_view())  # type: ignore[arg-type]

    assert dict(view_options(view, "PUT") or {}) == C


# Every @cors of a URLconf, as the checks and the middleware's start-up see them.


def test_every_decorated_route_is_found_with_each_handlers_options_and_include_prefixes() -> None:
    decorated = cors(**A)(plain)  # type: ignore[arg-type]
    patterns = [
        path("plain", plain),
        path("fn", decorated),
        path(
            "api/",
            include(
                [path("v1/", include([path("deep", decorated)])), re_path(r"^re/(?P<id>\d+)$", decorated)]
            ),
        ),
        path("layered", Layered.as_view()),
        path("dispatch", DispatchOverClass.as_view()),
        path("undecorated", Undecorated.as_view()),
    ]

    found = [(route, options["allow_origins"][0]) for route, options in decorated_views(patterns)]

    assert sorted(found) == [
        ("api/^re/(?P<id>\\d+)$", "https://a.example"),
        ("api/v1/deep", "https://a.example"),
        ("dispatch", "https://a.example"),
        ("dispatch", "https://b.example"),
        ("dispatch", "https://c.example"),
        ("fn", "https://a.example"),
        ("layered", "https://a.example"),
        ("layered", "https://b.example"),
    ]


def test_one_options_object_shared_by_several_handlers_is_reported_once_per_route() -> None:
    shared = cors(**A)  # type: ignore[arg-type]

    @method_decorator(shared, name="get")
    @method_decorator(shared, name="put")
    class Shared(View):
        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("get")

        def put(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("put")

    found = [(route, dict(options)) for route, options in decorated_views([path("s", Shared.as_view())])]

    assert found == [("s", A)]


def test_equal_options_given_twice_are_both_reported() -> None:
    @method_decorator(cors(**A), name="get")  # type: ignore[arg-type]
    @method_decorator(cors(**A), name="put")  # type: ignore[arg-type]
    class Twice(View):
        def get(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("get")

        def put(self, request: HttpRequest) -> HttpResponse:
            return HttpResponse("put")

    assert [route for route, _ in decorated_views([path("t", Twice.as_view())])] == ["t", "t"]


def test_a_urlconf_without_decorated_views_has_none() -> None:
    assert list(decorated_views([path("a", plain), path("b/", include([path("c", plain)]))])) == []


urlpatterns = [path("dispatch-over-class", DispatchOverClass.as_view())]


@override_settings(CORS_ALLOWED_ORIGINS=["https://project.example"], ROOT_URLCONF=__name__)
class HandlerOverDispatchThroughTheMiddleware(SimpleTestCase):
    def test_a_decorated_handlers_origin_is_granted_for_its_method_and_dispatchs_for_the_others(self) -> None:
        delete = self.client.delete("/dispatch-over-class", headers={"Origin": "https://a.example"})
        get = self.client.get("/dispatch-over-class", headers={"Origin": "https://c.example"})
        get_from_a = self.client.get("/dispatch-over-class", headers={"Origin": "https://a.example"})

        assert delete.headers["Access-Control-Allow-Origin"] == "https://a.example"
        assert get.headers["Access-Control-Allow-Origin"] == "https://c.example"
        assert "Access-Control-Allow-Origin" not in get_from_a.headers
