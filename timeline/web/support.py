"""Security headers on every response, and domain errors mapped to HTTP."""

from __future__ import annotations

import json

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import InternalServerError

from events.log.errors import (
    ConcurrencyConflict,
    FactRetracted,
    LogUnavailable,
    StorageFull,
    UnknownFact,
    ValidationError,
)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def answers_json(path: str) -> bool:
    """The API and the health check answer errors in JSON; pages for people in HTML."""
    return path.startswith("/api/") or path == "/healthz"


def wants_json() -> bool:
    return answers_json(request.path)


def error_response(
    status: int, message: str, *, parameter: str | None = None, field: str | None = None, **extra
):
    """JSON for the API ({"error", "parameter"/"field"}), an HTML page for people."""
    if wants_json():
        body = {"error": message, **extra}
        if parameter is not None:
            body["parameter"] = parameter
        if field is not None:
            body["field"] = field
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, parameter=parameter or field), status


def utf8_query_strings_only(wsgi_app):
    """Answer 400 to a query string that is not UTF-8, before Flask decodes it strictly (a 500 otherwise, BUG-2).

    waitress passes raw bytes through as they came; a browser percent-encodes them.
    This sits outside Flask because every page, the error page too, reads request.args.
    """

    def app(environ, start_response):
        try:
            environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
        except UnicodeError as error:
            where = getattr(error, "start", 0) + 1
            message = f"the query string is not valid UTF-8 (byte {where}); percent-encode it"
            if answers_json(environ.get("PATH_INFO", "")):
                response = Response(json.dumps({"error": message}), 400, mimetype="application/json")
            else:
                response = Response(message + "\n", 400, mimetype="text/plain")
            return add_security_headers(response)(environ, start_response)
        return wsgi_app(environ, start_response)

    return app


# Browsers that reached the site over https keep to https for a year (RFC 6797); only when the
# public URL is https, or a plain-http install would lock its readers out.
HSTS = "max-age=31536000"


def strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    if app.config["TIMELINE"].base_url.startswith("https://"):
        app.after_request(strict_transport)
    app.wsgi_app = utf8_query_strings_only(app.wsgi_app)

    @app.errorhandler(UnknownFact)
    def unknown(error):
        return error_response(404, str(error))

    @app.errorhandler(ValidationError)
    def invalid(error):
        return error_response(400, str(error), field=error.field)

    @app.errorhandler(ConcurrencyConflict)
    def conflict(error):
        return error_response(409, str(error), current_version=error.actual)

    @app.errorhandler(FactRetracted)
    def retracted(error):
        return error_response(409, str(error))

    @app.errorhandler(StorageFull)
    def storage_full(error):
        """RFC 4918 507 Insufficient Storage: the write was refused whole; retrying later is safe."""
        return error_response(507, str(error))

    @app.errorhandler(LogUnavailable)
    def log_unavailable(error):
        """503: the shared log's server is down or restarting; nothing was recorded, a retry is safe."""
        body, status = error_response(503, str(error))
        return body, status, {"Retry-After": "5"}

    @app.errorhandler(404)
    def not_found(_error):
        return error_response(404, "not found")

    @app.errorhandler(405)
    def not_allowed(error):
        """RFC 9110 15.5.6: a 405 names the methods the resource allows (werkzeug knows them)."""
        body, status = error_response(405, "method not allowed")
        allow = dict(error.get_headers()).get("Allow") if hasattr(error, "get_headers") else None
        return body, status, ({"Allow": allow} if allow else {})

    @app.errorhandler(InternalServerError)
    def internal(_error):
        """An unexpected exception: Flask has logged it; people get the site's page, the API a problem body."""
        return error_response(500, "internal error: the server's log has the details")

    @app.errorhandler(413)
    def too_large(_error):
        return error_response(413, "request body too large")
