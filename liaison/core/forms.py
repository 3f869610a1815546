from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core import second_factor, services
from liaison.core.middleware import client_address
from liaison.core.models import Province, Role, Unit, UnitKind, User


class LockoutMixin:
    """Refuse a locked account and count failures; the site's and the admin's sign-in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "This account is locked after too many failed sign-ins. Try again later "
            "or ask your node admin."
        ),
    }

    def clean(self) -> dict[str, Any]:
        form: Any = self
        username = form.cleaned_data.get("username") or ""
        source = client_address(form.request) if form.request else ""
        if username and services.is_locked(username):
            services.login_failed(username, source)
            raise forms.ValidationError(form.error_messages["locked"], code="locked")
        try:
            data = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if username:
                services.login_failed(username, source)
            raise
        user = form.get_user()
        services.login_succeeded(user, source, reset_failures=not second_factor.is_enrolled(user))
        return data


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLockoutAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **LockoutMixin.error_messages}


class UnitForm(forms.Form):
    """A plain form, not a ModelForm: the unit is changed by ``services.update_unit`` alone,
    which rewrites the unit tree's paths and refuses cycles (a ModelForm would set
    ``parent`` on the unit before the service could compare it)."""

    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=UnitKind.choices)
    code = forms.CharField(label=_("code"), max_length=40)
    parent = forms.ModelChoiceField(
        label=_("parent unit"), queryset=Unit.objects.none(), required=False
    )
    province = forms.ModelChoiceField(
        label=_("province"), queryset=Province.objects.filter(valid_to__isnull=True), required=False
    )

    def __init__(
        self, *args: Any, instance: Unit | None = None, parents: Any = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial", {f: getattr(instance, f) for f in ("name", "name_en", "kind", "code")}
            )
            kwargs["initial"].update(parent=instance.parent_id, province=instance.province_id)
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        if instance is not None and instance.province_id:
            # A unit keeps a province that has since been merged away until it is changed.
            self.fields["province"].queryset = Province.objects.filter(  # type: ignore[attr-defined]
                Q(valid_to__isnull=True) | Q(pk=instance.province_id)
            )

    def lock_placement(self) -> None:
        """The editor's own unit: its kind, parent and province are shown, not changeable."""
        for field in services.STRUCTURAL_FIELDS:
            self.fields[field].disabled = True
        parents = Unit.objects.filter(pk__in=[self.initial.get("parent")])
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"), regex=r"^[\w.@+-]+$", max_length=150, required=True
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": instance.username,
                    "full_name": instance.first_name,
                    "email": instance.email,
                    "unit": instance.unit,
                    "roles": instance.roles,
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            self.fields["username"].disabled = True


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (the current password, the new one twice, the password validators),
    also refusing the current password as the new one."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = self.cleaned_data.get("new_password2")
        if new and "new_password2" not in self.errors and self.user.check_password(new):
            self.add_error("new_password2", _("Choose a password different from the current one."))
        return data


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
