"""The Flask application around the event store; create_app never starts the scheduler."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from timeline.config import Config, config_from_mapping, load_config

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(test_config: Mapping[str, Any] | Config | None = None) -> Flask:
    """Build the app; files are read only when no test config is given.

    test_config may be a Config, or a mapping shaped like config.toml
    (e.g. {"database": {"path": "/tmp/x.db"}}).
    """
    from timeline.web.json_responses import OrjsonProvider

    app = Flask(__name__, template_folder=str(_templates_folder()), static_folder=None)
    app.json = OrjsonProvider(app)
    config = _resolve_config(test_config)
    app.config["TIMELINE"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.ensure_ascii = False
    from timeline import db
    from timeline.editors import auth
    from timeline.web import metrics
    from timeline.web import support as web_support

    db.init_app(app)
    web_support.init_app(app)
    metrics.init_app(app)  # request counts and latencies, for GET /metrics
    auth.init_app(app)  # the session's secret key, cookie flags, CSRF
    _register_blueprints(app)
    if config.trusted_proxies:  # outermost, so every layer and the access log see the client
        from timeline.web.forwarded import behind_proxies

        app.wsgi_app = behind_proxies(app.wsgi_app, config.trusted_proxies)
    return app


def _resolve_config(test_config: Mapping[str, Any] | Config | None) -> Config:
    if isinstance(test_config, Config):
        return test_config
    if test_config is not None:
        return config_from_mapping(dict(test_config))
    return load_config()


def _templates_folder() -> Path:
    """The repository's templates/ in a checkout; the packaged copy in a wheel."""
    if TEMPLATES.is_dir():
        return TEMPLATES
    return Path(__file__).resolve().parent / "templates"


def _register_blueprints(app: Flask) -> None:
    """Imported here, not at the top: the blueprints import this package's config and db."""
    from timeline.editors import api as editors_api
    from timeline.editors import review as editors_review
    from timeline.editors import views as editors_views
    from timeline.web import api, atom, exports, metrics, pages

    for module in (pages, api, atom, exports, metrics, editors_api, editors_views, editors_review):
        app.register_blueprint(module.bp)
