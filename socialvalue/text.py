"""Free text without invisible control characters.

A right-to-left override (U+202E) in a proposal's title or an organisation's name turns
"Acme Ltd‮gpj.exe" into something else on the page, in the browser's <title> and in emails;
zero-width characters make two names that look the same differ ("Acme Ltd" twice, one with a
U+200B), which defeats a uniqueness check a person relies on. So:

- **Forms** quietly drop them (`FreeTextFormMixin`, part of every form's `GovFormMixin`): from
  a single line (a name, a title) every control and format character (Unicode categories Cc,
  Cf, Cs, Zl, Zp), a tab or line break becoming a space; from multi-line text (a textarea) the
  controls except tab and line breaks, the bidirectional controls, and the zero-width space,
  word joiner and byte-order mark (emoji joiners and variation selectors stay).
- **Models** refuse what got in another way (the Django admin, an import, the shell): every
  text field of the project's models carries `validate_line` or `validate_text`, added when
  the apps are ready (`guard_model_text_fields`), so `full_clean()`, which every service and
  importer calls, says what is wrong.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Bidirectional controls: embeddings, overrides, isolates, and the marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Invisible characters that have no business in prose.
INVISIBLE = frozenset("\u200b\u2060\ufeff")
LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
LINE_UNWANTED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

INVISIBLE_MESSAGE = (
    "Text must not contain invisible control characters, such as right-to-left marks. "
    "Type it again rather than pasting it"
)


def _unwanted_in_line(char: str) -> bool:
    return unicodedata.category(char) in LINE_UNWANTED_CATEGORIES


def _unwanted_in_text(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return char in BIDI_CONTROLS or char in INVISIBLE or unicodedata.category(char) in ("Cc", "Cs")


def clean_line(value: str) -> str:
    """A name or title: line breaks and tabs become spaces; other controls are dropped."""
    if value.isprintable():
        return value  # the common case, quickly
    kept = []
    for char in value:
        if char in LINE_BREAKS:
            kept.append(" ")
        elif not _unwanted_in_line(char):
            kept.append(char)
    return "".join(kept)


def clean_text(value: str) -> str:
    """Multi-line text: keeps tabs and line breaks, drops the rest (see the module's notes)."""
    return "".join(char for char in value if not _unwanted_in_text(char))


def validate_line(value) -> None:
    if isinstance(value, str) and any(_unwanted_in_line(char) for char in value):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


def validate_text(value) -> None:
    if isinstance(value, str) and any(_unwanted_in_text(char) for char in value):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


# Forms --------------------------------------------------------------------------------------


def _is_free_text(field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, (forms.PasswordInput, forms.HiddenInput)
    )


class FreeTextFormMixin:
    """Drops invisible control characters from every free-text field before it is cleaned.
    Passwords are left exactly as typed."""

    def full_clean(self):
        if self.is_bound:
            self.data = self._without_invisible_characters()
        super().full_clean()

    def _without_invisible_characters(self):
        data = self.data.copy()
        for name, field in self.fields.items():
            if not _is_free_text(field):
                continue
            clean = clean_text if isinstance(field.widget, forms.Textarea) else clean_line
            key = self.add_prefix(name)
            if hasattr(data, "getlist"):
                if key in data:
                    data.setlist(
                        key, [clean(v) if isinstance(v, str) else v for v in data.getlist(key)]
                    )
            elif isinstance(data.get(key), str):
                data[key] = clean(data[key])
        return data


# Models -------------------------------------------------------------------------------------


def guard_model_text_fields(app_configs) -> None:
    """Give every text field of these apps' models the validator that refuses invisible
    control characters: one line for a CharField (without choices), multi-line for a
    TextField. Added at start-up like Django adds a CharField's MaxLengthValidator, so it is
    not part of the migrations."""
    for config in app_configs:
        for model in config.get_models():
            for field in model._meta.fields:
                validator = model_field_validator(field)
                if validator and validator not in field.validators:
                    field.validators.append(validator)


def model_field_validator(field):
    """The validator a model field gets, or None."""
    if isinstance(field, models.TextField):
        return validate_text
    if isinstance(field, models.CharField) and not field.choices:
        return validate_line
    return None
