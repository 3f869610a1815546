"""Pages for national records: lists with search, filters and pages; detail pages; forms;
the import page with its preview. Every page calls the services; a record outside the
user's unit subtree is 404."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.middleware import client_address, request_user
from liaison.core.models import Province
from liaison.crime import forms as crime_forms
from liaison.crime import services
from liaison.crime.importer import COLUMNS, KINDS, FileReport, ImportFailed, run_import
from liaison.crime.importer.previews import clean_previews, preview_root
from liaison.crime.models import (
    CaseStatus,
    CultivationSite,
    Drug,
    DrugCase,
    Hotspot,
    HotspotStatus,
    MeasureUnit,
    Person,
    PersonRole,
    PrecursorIncident,
    RingStatus,
    Seizure,
    TraffickingRing,
)


@dataclass
class Kind:
    slug: str
    model: type[Any]
    form: type[forms.ModelForm]
    title: Any
    columns: list[tuple[Any, str]]
    search: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    date_field: str = ""
    parent: str = ""  # persons and seizures are created from their case
    related: tuple[str, ...] = ()


KIND_LIST = [
    Kind(
        slug="cases",
        model=DrugCase,
        form=crime_forms.CaseForm,
        title=gettext_lazy("Drug cases"),
        columns=[
            (gettext_lazy("reference"), "case_ref"),
            (gettext_lazy("detected on"), "detected_on"),
            (gettext_lazy("province"), "province"),
            (gettext_lazy("district"), "district"),
            (gettext_lazy("status"), "get_status_display"),
            (gettext_lazy("unit in charge"), "owner_unit"),
        ],
        search=["case_ref", "summary", "joint_case_ref"],
        filters=["province", "status", "dates", "joint"],
        date_field="detected_on",
        related=("persons", "seizures"),
    ),
    Kind(
        slug="persons",
        model=Person,
        form=crime_forms.PersonForm,
        title=gettext_lazy("Persons"),
        columns=[
            (gettext_lazy("name"), "__str__"),
            (gettext_lazy("birth date"), "birth_date"),
            (gettext_lazy("nationality"), "nationality"),
            (gettext_lazy("role"), "get_role_display"),
            (gettext_lazy("case"), "case"),
        ],
        search=["full_name", "latin_name", "id_number", "phones"],
        filters=["province", "dates", "nationality", "role"],
        date_field="detected_on",
        parent="case",
    ),
    Kind(
        slug="seizures",
        model=Seizure,
        form=crime_forms.SeizureForm,
        title=gettext_lazy("Seizures"),
        columns=[
            (gettext_lazy("drug"), "drug"),
            (gettext_lazy("quantity"), "quantity_display"),
            (gettext_lazy("case"), "case"),
            (gettext_lazy("detected on"), "detected_on"),
            (gettext_lazy("province"), "province"),
        ],
        search=[],
        filters=["province", "dates", "drug", "unit"],
        date_field="detected_on",
        parent="case",
    ),
    Kind(
        slug="rings",
        model=TraffickingRing,
        form=crime_forms.RingForm,
        title=gettext_lazy("Trafficking rings"),
        columns=[
            (gettext_lazy("reference"), "ring_ref"),
            (gettext_lazy("name"), "name"),
            (gettext_lazy("province"), "province"),
            (gettext_lazy("status"), "get_status_display"),
            (gettext_lazy("dismantled on"), "dismantled_on"),
        ],
        search=["name", "ring_ref", "leader"],
        filters=["province", "ring_status", "dates"],
        date_field="dismantled_on",
    ),
    Kind(
        slug="hotspots",
        model=Hotspot,
        form=crime_forms.HotspotForm,
        title=gettext_lazy("Hotspots"),
        columns=[
            (gettext_lazy("reference"), "hotspot_ref"),
            (gettext_lazy("place"), "name"),
            (gettext_lazy("kind"), "get_kind_display"),
            (gettext_lazy("province"), "province"),
            (gettext_lazy("status"), "get_status_display"),
            (gettext_lazy("eradicated on"), "eradicated_on"),
        ],
        search=["name", "hotspot_ref", "district", "commune"],
        filters=["province", "hotspot_status", "dates"],
        date_field="eradicated_on",
    ),
    Kind(
        slug="cultivation-sites",
        model=CultivationSite,
        form=crime_forms.CultivationSiteForm,
        title=gettext_lazy("Cultivation sites"),
        columns=[
            (gettext_lazy("reference"), "site_ref"),
            (gettext_lazy("province"), "province"),
            (gettext_lazy("district"), "district"),
            (gettext_lazy("plants"), "plants"),
            (gettext_lazy("area (ha)"), "area_ha"),
            (gettext_lazy("found on"), "found_on"),
        ],
        search=["site_ref", "district", "commune"],
        filters=["province", "dates"],
        date_field="found_on",
    ),
    Kind(
        slug="precursor-incidents",
        model=PrecursorIncident,
        form=crime_forms.PrecursorForm,
        title=gettext_lazy("Precursor incidents"),
        columns=[
            (gettext_lazy("reference"), "incident_ref"),
            (gettext_lazy("date"), "occurred_on"),
            (gettext_lazy("province"), "province"),
            (gettext_lazy("chemical"), "chemical"),
            (gettext_lazy("quantity"), "quantity_display"),
        ],
        search=["incident_ref", "chemical", "summary"],
        filters=["province", "dates"],
        date_field="occurred_on",
    ),
]
KINDS_BY_SLUG = {k.slug: k for k in KIND_LIST}
PER_PAGE = 50


def _kind(slug: str) -> Kind:
    kind = KINDS_BY_SLUG.get(slug)
    if kind is None:
        raise Http404(_("No such list."))
    return kind


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filter_records(kind: Kind, qs: QuerySet[Any], params: Any) -> QuerySet[Any]:
    """Apply the list filters of a page or a statistics link (also used by reports)."""
    q = (params.get("q") or "").strip()
    if q and kind.search:
        cond = Q()
        for f in kind.search:
            cond |= Q(**{f"{f}__icontains": q})
        if kind.slug in ("persons", "seizures"):
            cond |= Q(case__case_ref__icontains=q)
        qs = qs.filter(cond)
    elif q and kind.slug == "seizures":
        qs = qs.filter(case__case_ref__icontains=q)
    provinces = [p for p in params.getlist("province") if p]
    if provinces:
        qs = qs.filter(province__code__in=provinces)
    start, end = _date(params.get("date_from")), _date(params.get("date_to"))
    if kind.date_field and start:
        qs = qs.filter(**{f"{kind.date_field}__gte": start})
    if kind.date_field and end:
        qs = qs.filter(**{f"{kind.date_field}__lte": end})
    simple = {
        "status": "status",
        "ring_status": "status",
        "hotspot_status": "status",
        "role": "role",
        "drug": "drug_id",
        "unit": "unit",
        "joint": "joint_case_ref",
        "case": "case__uuid",
    }
    for param, lookup in simple.items():
        value = params.get(param)
        if value:
            qs = qs.filter(**{lookup: value})
    nationality = (params.get("nationality") or "").upper()
    if nationality == "FOREIGN":
        from liaison.core.node import this_node

        qs = qs.exclude(nationality__in=["", this_node().country])
    elif nationality:
        qs = qs.filter(nationality=nationality)
    return qs


def _filter_options(kind: Kind) -> dict[str, Any]:
    from liaison.crime.forms import national_provinces

    options: dict[str, Any] = {}
    if "province" in kind.filters:
        options["provinces"] = national_provinces()
    if "status" in kind.filters:
        options["statuses"] = CaseStatus.choices
    if "ring_status" in kind.filters:
        options["statuses"] = RingStatus.choices
    if "hotspot_status" in kind.filters:
        options["statuses"] = HotspotStatus.choices
    if "role" in kind.filters:
        options["roles"] = PersonRole.choices
    if "drug" in kind.filters:
        options["drugs"] = Drug.objects.all()
    if "unit" in kind.filters:
        options["units"] = MeasureUnit.choices
    return options


def _cell(obj: Any, attr: str) -> Any:
    from liaison.web.formatting import format_quantity
    from liaison.web.names import display_value

    if attr == "quantity_display":
        return format_quantity(obj.quantity, obj.unit)
    value = getattr(obj, attr)
    return display_value(value() if callable(value) else value)


@login_required
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    qs = services.visible(k.model, request.user)  # type: ignore[arg-type]
    related = [f.name for f in k.model._meta.concrete_fields if f.is_relation]
    qs = filter_records(k, qs.select_related(*related), request.GET)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    if k.slug == "persons" and page.object_list:
        services.read_persons(
            list(page.object_list),
            user=request.user,  # type: ignore[arg-type]
            source=client_address(request),
        )
    rows = [
        {"obj": obj, "cells": [_cell(obj, attr) for _label, attr in k.columns]}
        for obj in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "crime/list.html",
        {
            "kind": k,
            "page": page,
            "rows": rows,
            "params": request.GET,
            "selected_provinces": request.GET.getlist("province"),
            "query": query.urlencode(),
            "can_create": not k.parent,
            **_filter_options(k),
        },
    )


def _detail_fields(obj: Model) -> list[tuple[str, Any]]:
    from liaison.web.formatting import format_quantity
    from liaison.web.names import display_value

    skip = {"id", "uuid", "natural_key", "birth_year", "birth_month", "birth_day"}
    out = []
    for f in obj._meta.concrete_fields:
        if f.name in skip:
            continue
        display = getattr(obj, f"get_{f.name}_display", None)
        value = display() if display else getattr(obj, f.name)
        if value in ("", None):
            continue
        if f.name == "quantity":
            value = format_quantity(value, getattr(obj, "unit", ""))
        out.append((str(f.verbose_name), display_value(value)))
    return out


@login_required
def record_detail(request: HttpRequest, kind: str, uuid: str) -> HttpResponse:
    k = _kind(kind)
    obj: Any = services.get_visible(k.model, request.user, uuid=uuid)  # type: ignore[arg-type]
    context: dict[str, Any] = {"kind": k, "obj": obj, "fields": _detail_fields(obj)}
    if isinstance(obj, Person):
        services.read_person(obj, user=request.user, source=client_address(request))  # type: ignore[arg-type]
        context["rings"] = obj.rings.all()
    if isinstance(obj, DrugCase):
        persons = list(obj.persons.all())
        user = request_user(request)
        services.read_persons(persons, user=user, source=client_address(request), via="case")
        context["persons"] = persons
        context["seizures"] = obj.seizures.select_related("drug")
    if isinstance(obj, TraffickingRing):
        members = list(obj.members.select_related("case"))
        user = request_user(request)
        services.read_persons(members, user=user, source=client_address(request), via="ring")
        context["members"] = members
    context["editable"] = obj.is_local
    return render(request, "crime/detail.html", context)


def _ring_members(request: HttpRequest, text: str) -> list[Person]:
    members = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        case_ref, _sep, person_ref = line.partition("/")
        person = (
            services.visible(Person, request.user)  # type: ignore[arg-type]
            .filter(case__case_ref=case_ref.strip(), person_ref=person_ref.strip())
            .first()
        )
        if person is None:
            raise ValidationError({"member_refs": _("No person %(ref)s.") % {"ref": line}})
        members.append(person)
    return members


@login_required
def record_edit(request: HttpRequest, kind: str, uuid: str | None = None) -> HttpResponse:
    k = _kind(kind)
    user: Any = request.user
    obj: Any = services.get_visible(k.model, user, uuid=uuid) if uuid else None  # type: ignore[arg-type]
    case = None
    if obj is None and k.parent:
        case = services.get_visible(DrugCase, user, uuid=request.GET.get("case") or "")
    elif obj is not None and k.parent:
        case = obj.case
    try:
        services.require_writer(user)
        if obj is not None:
            services.require_local(obj)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        if obj is not None:
            return redirect(obj_url(obj))
        return redirect("crime:list", kind)
    form = k.form(request.POST or None, request.FILES or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        source = client_address(request)
        try:
            data = {**_form_values(form), **_ring_members_of(k, form, request)}
            if obj is None:
                obj = _create(k, user, case, data, source)
            else:
                _update(k, user, obj, data, source)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(obj_url(obj))
    _read_form_persons(obj, user, client_address(request))
    return render(request, "crime/form.html", {"kind": k, "form": form, "obj": obj, "case": case})


def _read_form_persons(obj: Any, user: Any, source: str) -> None:
    """An edit form shows a person's fields (ID number, phones) or a ring's members."""
    if isinstance(obj, Person):
        services.read_person(obj, user=user, source=source, via="edit form")
    elif isinstance(obj, TraffickingRing):
        members = list(obj.members.select_related("case"))
        services.read_persons(members, user=user, source=source, via="ring edit form")


def _form_values(form: forms.ModelForm) -> dict[str, Any]:
    """The cleaned values of the record's fields; a disabled field is not the user's to change."""
    names: list[str] = form.Meta.fields  # type: ignore[attr-defined]
    return {
        name: form.cleaned_data[name]
        for name in names
        if name in form.cleaned_data and not form.fields[name].disabled
    }


def _ring_members_of(k: Kind, form: forms.ModelForm, request: HttpRequest) -> dict[str, Any]:
    """A ring's members, named one a line on its form; other kinds have none."""
    if k.slug != "rings":
        return {}
    return {"members": _ring_members(request, form.cleaned_data.get("member_refs", ""))}


def _create(k: Kind, user: Any, case: Any, data: dict[str, Any], source: str) -> Any:
    if k.slug == "cases":
        return services.create_case(user=user, source=source, **data)
    if k.slug == "persons":
        return services.create_person(user=user, case=case, source=source, **data)
    if k.slug == "seizures":
        return services.create_seizure(user=user, case=case, source=source, **data)
    return services.create_record(k.model, user=user, source=source, **data)  # type: ignore[arg-type]


def _update(k: Kind, user: Any, obj: Any, data: dict[str, Any], source: str) -> None:
    if k.slug == "cases":
        services.update_case(obj, user=user, source=source, **data)
    elif k.slug == "persons":
        services.update_person(obj, user=user, source=source, **data)
    elif k.slug == "seizures":
        services.update_seizure(obj, user=user, source=source, **data)
    else:
        services.update_record(obj, user=user, source=source, **data)


def _add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def obj_url(obj: Any) -> str:
    from django.urls import reverse

    return reverse("crime:detail", args=[obj.record_kind, obj.uuid])


def list_url(kind: str, **params: Any) -> str:
    """A link to a filtered list (statistics pages use it to show the records behind a figure)."""
    from django.urls import reverse

    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value)
        elif value not in (None, ""):
            pairs.append((key, value))
    return reverse("crime:list", args=[kind]) + ("?" + urlencode(pairs) if pairs else "")


# --- import --------------------------------------------------------------------------


def _upload_dir(token: str) -> Path:
    if not token.isalnum():
        raise Http404
    return preview_root() / token


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload, preview with every problem (row and field), then confirm to save."""
    user: Any = request.user
    try:
        services.require_writer(user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("crime:list", "cases")
    context: dict[str, Any] = {}
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        folder = _upload_dir(token)
        if request.session.get("crime_import") != token or not folder.exists():
            raise Http404
        stored = sorted(folder.iterdir(), key=lambda p: int(p.name.split("__", 1)[0]))
        files: list[tuple[str, str, bytes]] = []
        for p in stored:
            _i, kind, name = p.name.split("__", 2)
            files.append((kind, name, p.read_bytes()))
        if "cancel" in request.POST:
            shutil.rmtree(folder, ignore_errors=True)
            return redirect("crime:import")
        try:
            report = run_import(files, user=user, source=client_address(request))
        except ImportFailed as exc:
            context.update(report=exc.report, form=crime_forms.ImportForm())
        else:
            shutil.rmtree(folder, ignore_errors=True)
            request.session.pop("crime_import", None)
            messages.success(request, report.summary())
            return redirect("crime:list", "cases")
        return render(request, "crime/import.html", context)
    form = crime_forms.ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        files = []
        for kind in KINDS:  # noqa: B020
            upload = form.cleaned_data.get(kind)
            if upload:
                files.append((kind, Path(upload.name).name, upload.read()))
        try:
            report = run_import(files, user=user, save=False, preview_rows=10)
        except ImportFailed as exc:
            context["report"] = exc.report
        else:
            clean_previews()  # abandoned previews of anyone, older than the limit
            token = secrets.token_hex(16)
            folder = _upload_dir(token)
            folder.mkdir(parents=True, exist_ok=True)
            for i, (file_kind, file_name, content) in enumerate(files):
                (folder / f"{i}__{file_kind}__{file_name}").write_bytes(content)
            request.session["crime_import"] = token
            context.update(report=report, token=token)
    if "report" in context:
        context["previews"] = [_preview(f) for f in context["report"].files]
    return render(request, "crime/import.html", context)


def _preview(file: FileReport) -> tuple[FileReport, list[str], list[list[Any]]]:
    """A file's first rows as a table: its header and its cells."""
    header = ["row", *COLUMNS[file.kind]]
    return file, header, [[row.get(c, "") for c in header] for row in file.preview]


def province_choices() -> QuerySet[Province]:
    from liaison.crime.forms import national_provinces

    return national_provinces()  # type: ignore[no-any-return]
