"""What the cooperation pages share: paging, running a service call with its refusal shown
on the form, uploaded files, and the partner units the user's channels reach."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import ValidationError as BadCursor

from liaison.cooperation.forms.common import apply_errors, error_banner
from liaison.cooperation.services.attachments import read_uploads
from liaison.cooperation.services.hotline import channels_for
from liaison.core.listing import keyset_page
from liaison.core.models import User
from liaison.web.names import unit_display


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, the cursor it was asked with (None: the first page) and
    the cursor of the next page (None: the last)."""

    items: list[Any]
    cursor: str | None
    next: str | None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    @property
    def has_other_pages(self) -> bool:
        return self.cursor is not None or self.next is not None


def page_of(request: HttpRequest, qs: Any, order: Sequence[str], per_page: int = 50) -> Page:
    """The page of ``qs`` in ``order`` after ``?cursor=`` (the API's keyset pages: no OFFSET,
    no count, so a page deep in a long list costs what the first does). A cursor that does
    not fit this list (an old or edited link) shows the first page."""
    cursor = request.GET.get("cursor") or None
    try:
        items, following = keyset_page(qs, order, cursor, per_page)
    except BadCursor:
        cursor = None
        items, following = keyset_page(qs, order, None, per_page)
    return Page(items, cursor, following)


def attempt(request: HttpRequest, form: Any, action: Callable[[], Any], ok: str) -> Any:
    """Run a service call; on a refusal, show it on the form (or as a message) and return None."""
    try:
        result = action()
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
        messages.error(request, error_banner(form, exc))
        return None
    except PermissionDenied as exc:
        if form is not None:
            form.add_error(None, str(exc) or _("You may not do this."))
        messages.error(request, str(exc) or _("You may not do this."))
        return None
    messages.success(request, ok)
    return result if result is not None else True


def submitted(request: HttpRequest, form: Any, action: Callable[[], Any], ok: str) -> Any:
    """A posted, valid form whose service call succeeded (see ``attempt``)."""
    return request.method == "POST" and form.is_valid() and attempt(request, form, action, ok)


def uploaded_files(request: HttpRequest, name: str) -> list[tuple[str, bytes]]:
    return read_uploads(request.FILES.getlist(name))


def partner_units(user: User) -> list[tuple[str, str]]:
    """Choices of partner units ("CODE|Name") from the user's hotline channels."""
    seen: dict[str, str] = {}
    for c in channels_for(user):
        seen.setdefault(
            f"{c.partner_unit_code}|{c.partner_unit_name}", unit_display(c.partner_unit_name)
        )
    return [("", "—"), *sorted(seen.items(), key=lambda kv: kv[1])]
