"""The quarter (``/quarter``): counts for one review cycle, a chart of every cycle by region,
and the cycle's export as CSV or XLSX."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, col, select

from common.clock import utcnow
from db.export import export_applications
from db.export_tables import csv_text, xlsx_bytes
from db.models import Application
from rules.cycle import review_cycle
from web.documents import disposition
from web.matching import REGIONS
from web.pages import render
from web.state import web_state

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 22, 10, 90, 560


@dataclass(frozen=True)
class Segment:
    region: str
    count: int
    x: float
    width: float
    css: str


@dataclass(frozen=True)
class Bar:
    cycle: str
    total: int
    y: int
    segments: list[Segment]


def counts_by(session: Session, column: Any, cycle: str) -> list[tuple[str, int]]:
    rows = session.exec(
        select(column, func.count())
        .where(Application.review_cycle == cycle)
        .group_by(column)
        .order_by(func.count().desc())
    ).all()
    return [(value or "unknown", count) for value, count in rows]


def chart(session: Session) -> tuple[list[Bar], int]:
    """Stacked bars, one per cycle (newest first), segments by region; and the SVG height."""
    per_cycle: dict[str, dict[str, int]] = defaultdict(dict)
    for cycle, region, count in session.exec(
        select(Application.review_cycle, Application.region, func.count()).group_by(
            col(Application.review_cycle), col(Application.region)
        )
    ).all():
        per_cycle[cycle or "unknown"][region or "unknown"] = count
    biggest = max((sum(regions.values()) for regions in per_cycle.values()), default=1)
    scale = (CHART_WIDTH - LABEL_WIDTH - 40) / biggest
    bars = []
    for index, cycle in enumerate(sorted(per_cycle, reverse=True)[:12]):
        x, segments = float(LABEL_WIDTH), []
        for number, region in enumerate([*REGIONS, "unknown"]):
            count = per_cycle[cycle].get(region, 0)
            if count:
                segments.append(Segment(region, count, x, count * scale, f"region-{number}"))
                x += count * scale
        bars.append(
            Bar(cycle, sum(per_cycle[cycle].values()), index * (BAR_HEIGHT + BAR_GAP), segments)
        )
    return bars, max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP)


def chosen_cycle(request: Request, cycles: list[str]) -> str:
    wanted = (request.query_params.get("cycle") or "").strip()[:7]
    if wanted:
        return wanted
    settings = web_state(request).settings
    return cycles[0] if cycles else review_cycle(utcnow(), settings.programme.timezone)


@router.get("/quarter")
def quarter(request: Request) -> Response:
    with web_state(request).session() as session:
        cycles = sorted(
            (c for c in session.exec(select(Application.review_cycle).distinct()).all() if c),
            reverse=True,
        )
        cycle = chosen_cycle(request, cycles)
        bars, height = chart(session)
        context = {
            "cycle": cycle,
            "cycles": cycles,
            "total": sum(count for _, count in counts_by(session, col(Application.status), cycle)),
            "by_status": counts_by(session, col(Application.status), cycle),
            "by_region": counts_by(session, col(Application.region), cycle),
            "by_mode": counts_by(session, col(Application.mode), cycle),
            "bars": bars,
            "chart_height": height,
            "chart_width": CHART_WIDTH,
            "bar_height": BAR_HEIGHT,
            "regions": [*REGIONS, "unknown"],
        }
    return render(request, "quarter.html", context)


def _export_items(request: Request) -> tuple[str, list[dict[str, Any]]]:
    cycle = (request.query_params.get("cycle") or "").strip()[:7]
    with web_state(request).session() as session:
        return cycle, export_applications(session=session, review_cycle=cycle or None)


@router.get("/quarter/export.csv")
def export_csv(request: Request) -> Response:
    cycle, items = _export_items(request)
    name = f"applications-{cycle or 'all'}.csv"
    return Response(
        "\ufeff" + csv_text(items),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": disposition("attachment", name)},
    )


@router.get("/quarter/export.xlsx")
def export_xlsx(request: Request) -> Response:
    cycle, items = _export_items(request)
    name = f"applications-{cycle or 'all'}.xlsx"
    return Response(
        xlsx_bytes(items),
        media_type=XLSX,
        headers={"content-disposition": disposition("attachment", name)},
    )
