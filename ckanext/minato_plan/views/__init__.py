"""The extension's pages; ``toolkit.blanket.blueprints`` registers exactly the blueprints listed
in ``__all__``:

- ``plan_pages``: the plan overview, ``/plan-overview`` (:mod:`.overview`);
- ``plan_report``: the committee's annual progress report and its PDF, ``/plan-report/…``
  (:mod:`.report`);
- ``plan_review``: the yearly evaluation (drafts, review, publication) for staff and
  reviewers, ``/plan-review/…`` (:mod:`.review`);
- ``plan_files``: the plan's tables as files, ``/plan-data/…`` (:mod:`.downloads`);
- ``progress_upload``: the staff's progress CSV upload, ``/initiative-progress/upload…``
  (:mod:`.upload`);
- ``dcat_pages``: RDF of the ``initiative`` and ``plan`` pages, ``/distribution/<id>``
  (:mod:`.rdf`);
- ``csrf_guard``: CSRF checks of the staff's forms whatever came before (:mod:`.csrf`);
- ``plural_forms``: the plural rule of the page's language (:mod:`.i18n`);
- ``service_errors``: HTTP 503 pages and API answers when Solr, Redis or PostgreSQL is down
  (:mod:`.errors`).
"""
from .csrf import csrf_guard
from .downloads import plan_files
from .errors import service_errors
from .i18n import plural_forms
from .overview import plan_pages
from .rdf import dcat_pages
from .report import plan_report
from .review import plan_review
from .upload import progress_upload

__all__ = ["plan_pages", "plan_report", "plan_review", "plan_files", "progress_upload", "dcat_pages",
           "csrf_guard", "plural_forms", "service_errors"]
