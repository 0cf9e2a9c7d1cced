"""What the activity stream says about a dataset: who changed it last, and who last changed an
initiative's progress (read with the activity plugin's model; nothing when it is not enabled)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model

from ..domain import audit


def _activity_model() -> Any:
    try:
        from ckanext.activity.model import Activity
    except ImportError:  # activity plugin not installed
        return None
    return Activity


def last_editor(package_id: str) -> str:
    """The name of the user of the package's newest activity, or ``""``."""
    activity = _activity_model()
    if activity is None:
        return ""
    row = (model.Session.query(model.User.name)
           .join(activity, activity.user_id == model.User.id)
           .filter(activity.object_id == package_id)
           .order_by(activity.timestamp.desc()).first())
    return row[0] if row else ""


def progress_last_updated(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Who last changed the initiative's progress or indicators, and when:
    ``{"user": {name, display_name}, "timestamp": datetime}`` or ``None``."""
    activity = _activity_model()
    if activity is None or not pkg or not pkg.get("id"):
        return None
    rows = (model.Session.query(activity, model.User)
            .outerjoin(model.User, model.User.id == activity.user_id)
            .filter(activity.object_id == pkg["id"],
                    activity.activity_type.in_(["new package", "changed package"]))
            .order_by(activity.timestamp.desc()).limit(50).all())
    stream = [{"package": (item.data or {}).get("package") or {},
               "timestamp": item.timestamp,
               "user": {"name": user.name if user else "",
                        "display_name": (user.display_name if user else "")}}
              for item, user in rows]
    found = audit.last_progress_change(stream)
    if found is None:
        return None
    return {"user": found["user"], "timestamp": found["timestamp"]}
