from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name (any script)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Souksavanh · ສຸກສະຫວັນ · Nguyễn Văn Hùng · Иванов",
                "autofocus": True,
                "type": "search",
            }
        ),
    )
    birth_date = forms.CharField(
        label=_("Birth date"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "size": 10}),
    )
    nationality = forms.CharField(
        label=_("Nationality"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"placeholder": "VN, LA", "size": 4}),
    )
    id_number = forms.CharField(label=_("Identity document number"), required=False, max_length=64)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("dismiss", "dismiss")])
