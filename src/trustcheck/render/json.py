"""JSON output: documented, versioned shapes (docs/json.md), safe to print to a terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from trustcheck import assessment as results
from trustcheck.assessment import Assessment
from trustcheck.checklist import Checklist
from trustcheck.render.safe import escape_c1


def dumps(data: Any) -> str:
    return escape_c1(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def result(assessment: Assessment) -> str:
    return dumps(results.to_dict(assessment))


def result_list(assessments: Sequence[Assessment]) -> str:
    return dumps([results.to_dict(a) for a in assessments])


def checklist_summary(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "role": checklist.role,
        "sha256": checklist.sha256,
        "scale": {
            "low": checklist.scale.low,
            "high": checklist.scale.high,
            "labels": list(checklist.scale.labels),
            "skip": checklist.scale.skip_label,
        },
    }


def template(checklist: Checklist) -> str:
    """The JSON template: the checklist's identity and every item to answer."""
    return dumps({
        "checklist": checklist_summary(checklist),
        "items": [
            {"id": item.id, "strategy": item.strategy,
             "group": checklist.strategy(item.strategy).group,
             "text": item.text, "reverse": item.reverse}
            for item in checklist.items
        ],
    })
