"""Forms: sign-in, and one item form per kind generated from the project's schema.

An item form has the title, every field the kind declares (an enumeration as a
choice, a list or free text as lines), every link type the kind may hold (ids
separated by commas or spaces, with suggestions from the item search), the
Markdown body, and the reason for the change (required). Hidden, it carries
the version of the file it was opened at and that file's text (the common base
of a conflict).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse

from medtrace.api.item_edit import FieldText
from medtrace.model import Schema
from medtrace.model.schema import FieldSpec, FieldType

_IDS = re.compile(r"[\s,]+")
FIELD_PREFIX, LINK_PREFIX = "f_", "l_"
_SKIPPED = frozenset({"id", "kind", "title"})


class SignInForm(AuthenticationForm):
    """Django's sign-in form (the rate limit is checked by the view)."""


class ItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "class": "body"}), required=False
    )
    reason = forms.CharField(
        max_length=500,
        help_text="Why the change is made (recorded in the commit message).",
        widget=forms.TextInput(attrs={"class": "reason"}),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    base = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args: Any, schema: Schema, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema, self.kind = schema, kind
        spec = schema.kinds[kind]
        for field in (*spec.fields, *schema.common_fields):
            if field.name not in _SKIPPED and FIELD_PREFIX + field.name not in self.fields:
                self.fields[FIELD_PREFIX + field.name] = _form_field(field)
        for role in spec.links:
            link = schema.links.get(role)
            self.fields[LINK_PREFIX + role] = forms.CharField(
                label=role,
                required=False,
                help_text=link.description if link is not None else "",
                widget=forms.TextInput(
                    attrs={
                        "class": "link-picker",
                        "list": "item-suggestions",
                        "autocomplete": "off",
                        "hx-get": reverse("web:suggest"),
                        "hx-trigger": "input changed delay:250ms",
                        "hx-target": "#item-suggestions",
                        "hx-swap": "innerHTML",
                    }
                ),
            )

    def field_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith(FIELD_PREFIX)]

    def link_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith(LINK_PREFIX)]

    def values(self) -> dict[str, FieldText | None]:
        """The front matter keys as :func:`medtrace.api.item_edit.compose` takes them."""
        data = self.cleaned_data
        found: dict[str, FieldText | None] = {"title": data["title"]}
        for name in self.field_names():
            spec = self.schema.field_of(self.kind, name.removeprefix(FIELD_PREFIX))
            value = data.get(name) or ""
            if spec is not None and spec.type in (FieldType.LIST, FieldType.FINGERPRINTS):
                found[spec.name] = tuple(
                    line.strip() for line in value.splitlines() if line.strip()
                )
            else:
                found[name.removeprefix(FIELD_PREFIX)] = value
        for name in self.link_names():
            ids = tuple(part for part in _IDS.split(data.get(name) or "") if part)
            found[name.removeprefix(LINK_PREFIX)] = ids
        return found


def initial_of(values: dict[str, FieldText], schema: Schema, kind: str) -> dict[str, str]:
    """Form initial data from an item's current front matter values."""
    initial: dict[str, str] = {"title": str(values.get("title", ""))}
    spec = schema.kinds[kind]
    for key, value in values.items():
        if key in _SKIPPED:
            continue
        if key in spec.links:
            initial[LINK_PREFIX + key] = ", ".join(value if isinstance(value, tuple) else (value,))
        else:
            initial[FIELD_PREFIX + key] = "\n".join(value) if isinstance(value, tuple) else value
    return initial


def _form_field(spec: FieldSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.name, "required": False, "help_text": spec.description}
    if spec.type is FieldType.ENUM:
        return forms.ChoiceField(choices=[("", "—"), *((v, v) for v in spec.values)], **common)
    if spec.type is FieldType.BOOLEAN:
        return forms.ChoiceField(
            choices=[("", "—"), ("true", "true"), ("false", "false")], **common
        )
    if spec.type in (FieldType.TEXT, FieldType.LIST, FieldType.FINGERPRINTS):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if spec.type is FieldType.DATE:
        return forms.CharField(
            widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD"}), **common
        )
    return forms.CharField(**common)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        max_length=500, help_text="What you checked (recorded in the commit message)."
    )


class SignatureForm(forms.Form):
    """Sign an item: the meaning (of those the person may sign), the reason, and the
    password re-entered (and the one-time code where the meaning needs one), every time."""

    meaning = forms.ChoiceField(choices=())
    reason = forms.CharField(
        max_length=500, help_text="What you sign and why (recorded in the signature)."
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), strip=False
    )
    code = forms.CharField(
        label="One-time code",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="From your authenticator app, where the meaning needs a second factor.",
    )

    def __init__(self, *args: Any, meanings: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meaning"].choices = [(m, m) for m in meanings]  # type: ignore[attr-defined]
