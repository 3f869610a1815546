"""schemathesis over the whole OpenAPI of /api/v1/, in-process through the WSGI app.

A national supervisor's write token on a node with a few records; every operation gets a
bounded, derandomised number of generated requests. No request may answer 5xx, with a
status code the schema does not document, or reject a request the schema allows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.result import Ok

from liaison.core import services as core_services
from liaison.core.models import Province, Role
from liaison.crime import services as crime_services

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES_PER_OPERATION = 15

# Schema-valid requests that fail the services' own checks (a province or drug code that is
# not in the gazetteer, a cursor the API never gave out, a field required by the kind of
# notice) answer a documented 422; the schema cannot carry data-dependent rules.
NOT_CHECKED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture
def supervisor_token(units, make_user) -> str:  # type: ignore[no-untyped-def]
    case = crime_services.create_case(
        user=None,
        owner_unit=units.ky_son,
        case_ref="NA-FUZZ-1",
        detected_on=dt.date(2024, 5, 1),
        province=Province.objects.get(code="VN-22"),
        summary="Kỳ Sơn case",
    )
    crime_services.create_person(
        user=None,
        case=case,
        person_ref="P1",
        full_name="Trần Văn Bình",
        latin_name="Tran Van Binh",
        nationality="vn",
        birth_date="1980-02",
    )
    supervisor = make_user(units.ministry, [Role.SUPERVISOR])
    return core_services.create_token(supervisor)


def _first_lines(exc: BaseException) -> str:
    return " / ".join(str(exc).strip().splitlines()[:4])


def _answer(report: str) -> str:
    """The response status and body schemathesis quotes in its report."""
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    for at, line in enumerate(lines):
        if line.startswith("[") and at + 1 < len(lines):
            return f"{line} {lines[at + 1][:300]}"
    return ""


def _fuzz(operation: Any, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, excluded_checks=NOT_CHECKED
        )

    run()


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """Django's test client keeps the test's connection open across requests; a plain WSGI
    call would close it at the end of each request (on PostgreSQL, ending the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept")
def test_api_survives_fuzzing(supervisor_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema has an invalid operation: {result}"
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, supervisor_token)
        except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one per check
            answer = _answer(str(group))
            failures.extend(
                f"{operation.label}: {_first_lines(e)} {answer}" for e in group.exceptions
            )
        except Exception as exc:  # noqa: BLE001 - every operation is fuzzed, all are reported
            failures.append(f"{operation.label}: {_first_lines(exc)}")
    assert operations > 50
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
