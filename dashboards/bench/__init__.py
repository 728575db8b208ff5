"""The benchmark behind `make bench` (`manage.py bench`): `pages.py` (who signs in, which
pages), `server.py` (gunicorn, session cookies) and `timing.py` (how each is timed). The
command reads its options, runs them and writes the report.
"""
