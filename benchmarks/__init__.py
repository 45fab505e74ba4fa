"""Reproducible benchmarks of cors_wsgi and flask_ext against wsgicors and flask-cors.

Run ``make bench`` (or ``python -m benchmarks --help``). Verdicts rest on
CPU instructions counted by callgrind, which are deterministic on a noisy
machine; wall-time medians of interleaved rounds are reported beside them.
"""
