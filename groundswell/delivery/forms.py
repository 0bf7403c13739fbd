from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from groundswell.core.text import multi_line_text, reject_markup
from groundswell.delivery.models import Delivery
from groundswell.transparency.models import TombstoneReason

# MPO is how Pillow names the JPEG of a phone that stores a second picture in it (most iPhone
# and many Android photos): stored as a plain JPEG of its first picture.
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTOS_PER_DELIVERY = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.ImageField):
    """Several photos in one input; each is checked as ImageField checks one (Pillow opens it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > PHOTOS_PER_DELIVERY:
            raise forms.ValidationError(
                _("Add at most %(count)s photos.") % {"count": PHOTOS_PER_DELIVERY}, code="too_many"
            )
        cleaned = []
        for file in files:
            if file.size > PHOTO_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(size)s MB.")
                    % {"name": file.name, "size": PHOTO_MAX_BYTES // (1024 * 1024)},
                    code="too_large",
                )
            image_file = super().clean(file, initial)
            image = image_file.image
            if image.format not in PHOTO_FORMATS:
                raise forms.ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": file.name},
                    code="format",
                )
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise forms.ValidationError(
                    _("%(name)s has too many pixels; please send a smaller photo.")
                    % {"name": file.name},
                    code="too_many_pixels",
                )
            if not _pixels_readable(image_file):
                raise forms.ValidationError(
                    _("%(name)s could not be read to its end; please send it again.")
                    % {"name": file.name},
                    code="unreadable",
                )
            cleaned.append(image_file)
        return cleaned


def _pixels_readable(upload: UploadedFile) -> bool:
    """Whether every pixel decodes: ImageField reads only the header, and a photo cut short (an
    upload interrupted on a phone) would otherwise fail once the delivery is being recorded."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)
    return True


class DeliveryForm(forms.ModelForm):
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 10 photos of 10 MB each. Location and camera data are "
            "removed before they are published."
        ),
    )

    class Meta:
        model = Delivery
        fields = ["delivered_at", "place", "received_by", "notes", "is_public"]
        widgets = {
            "delivered_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("place", "received_by", "notes"):
            self.fields[name].validators.append(reject_markup)


class PackageForm(forms.Form):
    cover_letter = forms.CharField(
        label=_("Cover letter to the target"),
        required=False,
        max_length=10000,
        validators=[multi_line_text, reject_markup],
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Leave empty for a short standard letter. Blank lines separate paragraphs."),
    )


class WithdrawForm(forms.Form):
    email = forms.EmailField(
        label=_("The signer's e-mail address"),
        help_text=_("Exactly as the signer gave it; the address is not stored or logged here."),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=TombstoneReason.choices)
    confirm = forms.BooleanField(
        label=_(
            "I understand that the signature is deleted with its personal data, and that the "
            "public log will record that it no longer counts."
        )
    )
