from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image

from groundswell.accounts.models import Organization, Role
from groundswell.core.image_uploads import image_without_metadata
from groundswell.core.share_images import LOGO_MAX_PIXELS
from groundswell.core.text import reject_markup

MAX_LOGO_BYTES = 1024 * 1024
# The formats every browser shows. A logo is stored re-encoded, with the extension of its format:
# logos are served from this site with the type their file name says (see `clean_logo`).
# (MPO is how Pillow names the JPEG of a phone that stores a second picture in it.)
LOGO_FORMATS = frozenset({"PNG", "JPEG", "MPO", "GIF", "WEBP"})
# Logos are shown at most 72 pixels high (share pictures); this leaves room for sharp screens
# and spares every share picture decoding a photo of millions of pixels.
LOGO_LONGEST_SIDE = 1024


class OrganizationProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("web site"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "website", "logo"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(reject_markup)

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be smaller than 1 MB."))
        # Only a new upload carries its opened image (ImageField's check); the header says the
        # size, and a small file may still decode to gigabytes (see LOGO_MAX_PIXELS).
        image = getattr(logo, "image", None)
        if image is not None and image.width * image.height > LOGO_MAX_PIXELS:
            raise forms.ValidationError(
                _(
                    "The logo has too many pixels; please send a smaller image (at most "
                    "%(count)s megapixels)."
                )
                % {"count": LOGO_MAX_PIXELS // 1_000_000}
            )
        if logo and image is not None:
            if image.format not in LOGO_FORMATS:
                raise forms.ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."))
            # Published at /media/logos/: re-encoded from its pixels, without the location, camera
            # and names a photo carries, and named after what it is, not what the upload said (an
            # image named .pdf, since a file can be a PNG and a PDF at once, would otherwise be
            # served as a document from here).
            try:
                # Named "logo", not after the upload: a file name may say who took it, or where.
                return image_without_metadata(logo, name="logo", longest_side=LOGO_LONGEST_SIDE)
            except (OSError, ValueError, Image.DecompressionBombError):
                # Its header was sound but its pixels are not (a truncated file).
                raise forms.ValidationError(
                    self.fields["logo"].error_messages["invalid_image"], code="invalid_image"
                ) from None
        return logo


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
