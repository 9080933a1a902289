"""The district's web console (派单, catalogue, stations, volunteers, exceptions, figures)
and the volunteers' phone page (接单), served by central's FastAPI app.

Server-rendered (Jinja2), no JavaScript build. Staff sign in with their own accounts,
never a station token; every form POST carries the session's CSRF token.
"""
