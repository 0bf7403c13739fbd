from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.core.text import single_line_text
from groundswell.updates.services import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class UpdateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, validators=[single_line_text]
    )
    body_markdown = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, *italic*, [a link](https://example.org), lists."),
    )
    audience = forms.ChoiceField(label=_("Send to"), widget=forms.RadioSelect)

    def __init__(self, *args: object, audiences: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = audiences
        if len(audiences) == 1:
            self.initial.setdefault("audience", audiences[0][0])


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Send at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
