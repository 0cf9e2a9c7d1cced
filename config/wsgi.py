"""WSGI entry point for a production server (gunicorn, uWSGI, mod_wsgi).

    CKAN_INI=/path/to/ckan.ini gunicorn --chdir config --bind 127.0.0.1:5000 wsgi:application
"""
import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

application = make_app(load_config(os.environ["CKAN_INI"]))
