"""The triage queue as a query: filters, full-text search, sorting and paging."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from db.models import Application, FindingRecord

PAGE_SIZE = 50
STATUSES = ("needs_review", "incomplete", "ineligible", "complete", "superseded")
MODES = ("seeking", "offering")

_findings_count = (
    select(func.count(col(FindingRecord.id)))
    .where(
        FindingRecord.application_id == Application.id,
        col(FindingRecord.active).is_(True),
        col(FindingRecord.overridden).is_(False),
        col(FindingRecord.severity) != "info",
    )
    .correlate(Application)
    .scalar_subquery()
)

SORTS: dict[str, Any] = {
    "reference": col(Application.reference),
    "status": col(Application.status),
    "state_party": func.lower(col(Application.state_party)),
    "region": col(Application.region),
    "mode": col(Application.mode),
    "cycle": col(Application.review_cycle),
    "received": col(Application.received_at),
    "findings": _findings_count,
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    cycle: str = ""
    region: str = ""
    mode: str = ""
    code: str = ""
    q: str = ""
    sort: str = ""
    order: str = "asc"
    page: int = 1

    def query_string(self, **changes: Any) -> str:
        """The URL query of these filters with some changed (empty values left out)."""
        values = replace(self, **changes).__dict__
        return urlencode({key: value for key, value in values.items() if value not in ("", 1)})

    def sort_link(self, column: str) -> str:
        order = "desc" if self.sort == column and self.order == "asc" else "asc"
        return self.query_string(sort=column, order=order, page=1)


@dataclass(frozen=True)
class QueueRow:
    application: Application
    findings: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int


def queue_page(session: Session, filters: QueueFilters, *, page_size: int = PAGE_SIZE) -> QueuePage:
    query = _filtered(select(Application, _findings_count), filters)
    total = session.exec(_filtered(select(func.count()).select_from(Application), filters)).one()
    pages = max(1, -(-total // page_size))
    page = min(max(filters.page, 1), pages)
    query = query.order_by(*_ordering(filters)).offset((page - 1) * page_size).limit(page_size)
    rows = [QueueRow(app, count or 0) for app, count in session.exec(query)]
    return QueuePage(rows=rows, total=total, page=page, pages=pages)


def _filtered(query: Any, filters: QueueFilters) -> Any:
    for name, column in (
        ("status", Application.status),
        ("cycle", Application.review_cycle),
        ("region", Application.region),
        ("mode", Application.mode),
    ):
        value = getattr(filters, name)
        if value:
            query = query.where(col(column) == value)
    if filters.code:
        query = query.where(
            select(FindingRecord.id)
            .where(
                FindingRecord.application_id == Application.id,
                FindingRecord.code == filters.code,
                col(FindingRecord.active).is_(True),
            )
            .exists()
        )
    if filters.q.strip():
        query = query.where(_search(filters.q))
    return query


def _search(text: str) -> Any:
    """Every word must appear in one of the searched columns (case-insensitive)."""
    columns = (
        Application.state_party,
        Application.national_authority,
        Application.contact_person,
        Application.reference,
        Application.sender,
    )
    clauses = []
    for word in text.split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(or_(*(col(column).ilike(pattern, escape="\\") for column in columns)))
    return and_(*clauses)


def _ordering(filters: QueueFilters) -> list[Any]:
    if filters.sort in SORTS:
        column = SORTS[filters.sort]
        first = column.desc() if filters.order == "desc" else column.asc()
        return [first, col(Application.id).desc()]
    needs_review_first = case((col(Application.status) == "needs_review", 0), else_=1)
    return [needs_review_first, col(Application.received_at).desc(), col(Application.id).desc()]


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values the filter menus offer: what the database holds."""

    def distinct(column: Any) -> list[str]:
        rows = session.exec(select(column).where(column.is_not(None)).distinct()).all()
        return sorted(str(value) for value in rows if value)

    return {
        "status": list(STATUSES),
        "cycle": distinct(col(Application.review_cycle))[::-1],
        "region": distinct(col(Application.region)),
        "mode": list(MODES),
        "code": distinct(col(FindingRecord.code)),
    }
