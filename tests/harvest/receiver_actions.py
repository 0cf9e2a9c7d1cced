"""Runs CKAN actions in the harvest receiver, a CKAN of its own configuration, as its site user.

    .venv/bin/python tests/harvest/receiver_actions.py RECEIVER_INI < actions.json

``actions.json`` is a list of ``[action_name, data_dict]``; the results are printed to standard
output as one JSON list (an action that fails stops the run with its error). The pytest process
cannot do this itself: it runs the *portal's* CKAN configuration, and CKAN has one configuration
per process. The harvests themselves run through ckanext-harvest's own command,
``ckan -c RECEIVER_INI harvester run-test SOURCE``.
"""
from __future__ import annotations

import json
import sys


def main(ini: str) -> int:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    actions = json.load(sys.stdin)
    flask_app = make_app(load_config(ini))._wsgi_app
    results = []
    with flask_app.test_request_context():
        import ckan.plugins.toolkit as tk

        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        for name, data_dict in actions:
            context = {"user": site_user["name"], "ignore_auth": True}
            results.append(tk.get_action(name)(context, data_dict))
    json.dump(results, sys.stdout, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
