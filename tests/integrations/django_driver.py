"""Runs the Django example in a process of its own, so Django's settings never reach other tests.

``python -m tests.integrations.django_driver webtest`` reads a JSON list of
requests on stdin, sends each through WebTest and prints the responses as JSON.
``... serve`` prints the port of a waitress server on 127.0.0.1, then serves
until stdin is closed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from webtest import TestApp

from examples.django_project.wsgi import application
from tests.integrations.servers import waitress_server


def through_webtest(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    client = TestApp(application)
    replies = []
    for request in requests:
        response = client.request(
            request["path"], method=request["method"], headers=request["headers"], expect_errors=True
        )
        replies.append(
            {"status": response.status_int, "headers": list(response.headerlist), "body": response.text}
        )
    return replies


def main(mode: str) -> None:
    if mode == "webtest":
        json.dump(through_webtest(json.load(sys.stdin)), sys.stdout)
        return
    with waitress_server(application) as port:
        print(port, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
