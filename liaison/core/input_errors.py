"""Input errors of the API's schemas (pydantic) in the reader's language: pydantic writes
"Input should be a valid date" in English whatever the reader reads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

#: The reader's words for pydantic's input errors, by error type ("Input should be a valid
#: date" is English whatever the reader's language).
INPUT_ERRORS = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "float_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_type": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "uuid_parsing": gettext_lazy("Enter a valid UUID."),
    "uuid_type": gettext_lazy("Enter a valid UUID."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "too_short": gettext_lazy("Give at least %(min_length)s items."),
    "too_long": gettext_lazy("Give at most %(max_length)s items."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "list_type": gettext_lazy("Give a list."),
    "dict_type": gettext_lazy("Give an object."),
    "model_attributes_type": gettext_lazy("Give an object."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "extra_forbidden": gettext_lazy("This field is not allowed here."),
}


def input_error_text(error: dict[str, Any]) -> str:
    """One input error in the reader's language. A ``value_error`` carries our own checks'
    text, already translated; a type pydantic adds later keeps its own message."""
    kind = str(error.get("type", ""))
    if kind not in INPUT_ERRORS:
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ") if kind == "value_error" else message
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    text = str(INPUT_ERRORS[kind])
    try:
        return text % context if "%(" in text else text
    except KeyError:
        return text
