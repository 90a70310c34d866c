"""Reports API 2021-06-30: create, get, list, cancel, document (served by the emulator's S3)."""

from __future__ import annotations

import gzip
import re
from typing import Any

from aiohttp import web

from core.channels.amazon.emulator.app import GRANT
from core.channels.amazon.emulator.clock import iso, parse_iso
from core.channels.amazon.emulator.documents import presigned_url
from core.channels.amazon.emulator.faults import DOCUMENT_MODES
from core.channels.amazon.emulator.http import (
    ApiError,
    check_enum,
    json_body,
    json_response,
    q_int,
    q_list,
    q_time,
)
from core.channels.amazon.emulator.model import Document, Report
from core.channels.amazon.emulator.paging import page
from core.channels.amazon.emulator.runtime import RUNTIME, Runtime
from core.channels.amazon.emulator.vat_invoices import require_role

STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL")
_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{2,120}$")
BASE = "/reports/2021-06-30"


def _bad(details: str) -> ApiError:
    return ApiError(400, "InvalidInput", "Invalid input", details)


def report_json(r: Report) -> dict[str, Any]:
    """The Report object."""
    out: dict[str, Any] = {
        "reportId": r.report_id,
        "reportType": r.report_type,
        "marketplaceIds": list(r.marketplace_ids),
        "createdTime": iso(r.created),
        "processingStatus": r.status,
    }
    if r.data_start is not None:
        out["dataStartTime"] = iso(r.data_start)
    if r.data_end is not None:
        out["dataEndTime"] = iso(r.data_end)
    if r.started is not None:
        out["processingStartTime"] = iso(r.started)
    if r.ended is not None and r.status in ("DONE", "FATAL", "CANCELLED"):
        out["processingEndTime"] = iso(r.ended)
    if r.document_id:
        out["reportDocumentId"] = r.document_id
    return out


def _own(request: web.Request, rt: Runtime) -> Report:
    report = rt.state.reports.get(request.match_info["reportId"])
    if report is None or report.seller_id != request[GRANT].seller_id:
        raise ApiError(
            404,
            "NotFound",
            "The report was not found.",
            f"reportId {request.match_info['reportId']}",
        )
    return report


async def create_report(request: web.Request) -> web.Response:
    """``POST /reports/2021-06-30/reports`` → 202."""
    rt = request.app[RUNTIME]
    body = await json_body(request)
    report_type = body.get("reportType")
    if not isinstance(report_type, str) or not _TYPE.match(report_type):
        raise _bad("reportType is required and must be a report type name.")
    mids = body.get("marketplaceIds")
    account = rt.state.account(request[GRANT].seller_id or "")
    if (
        not isinstance(mids, list)
        or not mids
        or account is None
        or any(m not in account.marketplace_ids for m in mids)
    ):
        raise _bad("marketplaceIds is required and must list marketplaces of this seller.")
    require_role(rt.state, request[GRANT].seller_id or "", report_type)
    times: dict[str, float | None] = {}
    for name in ("dataStartTime", "dataEndTime"):
        raw = body.get(name)
        times[name] = None if raw is None else parse_iso(str(raw))
        if raw is not None and times[name] is None:
            raise _bad(f"{name} is not an ISO 8601 date-time.")
    options = body.get("reportOptions") or {}
    if not isinstance(options, dict):
        raise _bad("reportOptions must be an object of strings.")
    now = rt.clock.now()
    report = Report(
        rt.state.new_number(),
        request[GRANT].seller_id or "",
        report_type,
        list(mids),
        now,
        times["dataStartTime"],
        times["dataEndTime"],
        {str(k): str(v) for k, v in options.items()},
    )
    rt.state.reports[report.report_id] = report
    rt.state.wake(now)
    return json_response({"reportId": report.report_id}, 202)


async def get_report(request: web.Request) -> web.Response:
    """``GET /reports/2021-06-30/reports/{reportId}``."""
    rt = request.app[RUNTIME]
    return json_response(report_json(_own(request, rt)))


async def get_reports(request: web.Request) -> web.Response:
    """``GET /reports/2021-06-30/reports``; with nextToken, the token must be the only parameter."""
    rt = request.app[RUNTIME]
    now = rt.clock.now()
    token = request.query.get("nextToken")
    if token is not None:
        if len(request.query) > 1:
            raise _bad("When nextToken is given it must be the only parameter.")
        entry = rt.state.next_tokens.get(token)
        filters: Any = entry[1] if entry else None
    else:
        types = q_list(request, "reportTypes")
        statuses = q_list(request, "processingStatuses")
        check_enum("processingStatuses", statuses, STATUSES)
        if not types:
            raise _bad("reportTypes is required when nextToken is not given.")
        filters = (
            tuple(types),
            tuple(statuses),
            tuple(q_list(request, "marketplaceIds")),
            q_int(request, "pageSize", 10, 1, 100),
            q_time(request, "createdSince") or now - 90 * 86400,
            q_time(request, "createdUntil") or now,
        )
    if filters is None:
        raise _bad("Invalid nextToken.")
    types, statuses, mids, size, since, until = filters
    found = [
        r
        for r in sorted(rt.state.reports.values(), key=lambda r: r.created, reverse=True)
        if r.seller_id == request[GRANT].seller_id
        and r.report_type in types
        and (not statuses or r.status in statuses)
        and (not mids or set(mids) & set(r.marketplace_ids))
        and since <= r.created <= until
    ]
    chunk, next_token = page(
        rt.state, "getReports", filters, found, size, token, now, 86400, "nextToken"
    )
    body: dict[str, Any] = {"reports": [report_json(r) for r in chunk]}
    if next_token:
        body["nextToken"] = next_token
    return json_response(body)


async def cancel_report(request: web.Request) -> web.Response:
    """``DELETE /reports/2021-06-30/reports/{reportId}``: only while IN_QUEUE."""
    rt = request.app[RUNTIME]
    report = _own(request, rt)
    if report.status != "IN_QUEUE":
        raise _bad(f"The report is {report.status}; only reports IN_QUEUE can be cancelled.")
    report.status = "CANCELLED"
    report.ended = rt.clock.now()
    return web.Response(status=200)


async def get_report_document(request: web.Request) -> web.Response:
    """``GET /reports/2021-06-30/documents/{reportDocumentId}``."""
    rt = request.app[RUNTIME]
    doc_id = request.match_info["reportDocumentId"]
    report = next((r for r in rt.state.reports.values() if r.document_id == doc_id), None)
    doc = rt.state.documents.get(doc_id)
    if report is None or doc is None or report.seller_id != request[GRANT].seller_id:
        raise ApiError(
            404, "NotFound", "The report document was not found.", f"reportDocumentId {doc_id}"
        )
    if rt.faults.pick("reports.getReportDocument", DOCUMENT_MODES) is not None:
        # Amazon's known bug: the document says GZIP but the bytes are plain text.
        plain = (
            gzip.decompress(doc.content)
            if doc.compression == "GZIP" and doc.content
            else doc.content
        )
        doc = Document(
            doc_id + ".plain",
            doc.content_type,
            plain,
            "GZIP",
            gzip_flag_only=True,
            created=doc.created,
        )
        rt.state.documents[doc.document_id] = doc
    body: dict[str, Any] = {
        "reportDocumentId": doc_id,
        "url": presigned_url(request, doc.document_id),
    }
    if doc.compression:
        body["compressionAlgorithm"] = doc.compression
    return json_response(body)


ROUTES = [
    ("POST", BASE + "/reports", create_report, "reports.createReport"),
    ("GET", BASE + "/reports", get_reports, "reports.getReports"),
    ("GET", BASE + "/reports/{reportId}", get_report, "reports.getReport"),
    ("DELETE", BASE + "/reports/{reportId}", cancel_report, "reports.cancelReport"),
    (
        "GET",
        BASE + "/documents/{reportDocumentId}",
        get_report_document,
        "reports.getReportDocument",
    ),
]
