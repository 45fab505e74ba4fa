"""cors-wsgi: the browser's CORS protocol, answered exactly, for any WSGI application.

>>> from cors_wsgi import CORSMiddleware
>>> app = CORSMiddleware(wsgi_app, allow_origins=["https://app.example.com"])  # doctest: +SKIP
"""

from __future__ import annotations

from . import reasons
from .decision import Decision, RequestFacts, decide, decide_actual, decide_preflight
from .engine import DecisionContext
from .errors import ConfigError
from .middleware import CORSMiddleware
from .origins import split_origin
from .policy import CORSPolicy, PolicyOptions
from .report import Report

__all__ = [
    "CORSMiddleware",
    "CORSPolicy",
    "ConfigError",
    "Decision",
    "DecisionContext",
    "PolicyOptions",
    "Report",
    "RequestFacts",
    "decide",
    "decide_actual",
    "decide_preflight",
    "reasons",
    "split_origin",
]

__version__ = "0.1.0"
