"""Recording a signature through the API: the form's validation, consent rules, deduplication
and confirmation e-mail (`signature_create`, exactly as the signing view calls it), or, for
write keys of the host only, `confirmed_by: "organizer"` (`signatures_vouched_record`)."""

from django.db import IntegrityError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groundswell.api.access import CampaignAccess
from groundswell.api.errors import ApiError
from groundswell.api.models import ApiKey
from groundswell.coalitions.selectors import partner_for_link
from groundswell.signatures.forms import consent_field_names, consents_from, signature_data_clean
from groundswell.signatures.models import CONFIRMED_BY_ORGANIZER, Signature, SignatureChannel
from groundswell.signatures.services import CampaignNotSigning, signature_create
from groundswell.signatures.services.vouched import VouchedSignature, signatures_vouched_record

Answer = tuple[int, dict[str, object]]
# Channels a caller may name; "online" is the petition's own form.
API_CHANNELS = frozenset(
    {SignatureChannel.API, SignatureChannel.PARTNER_TOOL, SignatureChannel.PAPER}
)


def form_data(payload: dict[str, object]) -> dict[str, str]:
    """The OSDI-shaped body as the signing form would have posted it."""
    person = payload.get("person") or {}
    assert isinstance(person, dict)
    name = " ".join(
        str(part).strip() for part in (person.get("given_name"), person.get("family_name")) if part
    )
    emails = person.get("email_addresses") or [{}]
    postal = person.get("postal_addresses") or [{}]
    email = emails[0] if isinstance(emails, list) and emails else {}
    address = postal[0] if isinstance(postal, list) and postal else {}
    data = {
        "name": name,
        "email": str((email or {}).get("address") or ""),
        "country": str((address or {}).get("country") or ""),
        "postal_code": str((address or {}).get("postal_code") or ""),
        "comment": str(payload.get("comments") or ""),
        "source": str(payload.get("source") or ""),
    }
    for flag in ("show_name", "contact_host", "contact_partner"):
        if payload.get(flag):
            data[flag] = "on"
    return data


def pending_answer() -> Answer:
    """The answer to a signature recorded pending confirmation: the same whether the address
    had signed or not, as the form's page (the e-mail to the address tells its owner, and nobody
    else learns who has signed)."""
    return 202, {"status": "pending_confirmation"}


def expected_answer(payload: dict[str, object]) -> Answer | None:
    """What `signature_record` answers unless it refuses, when that is known beforehand."""
    return None if payload.get("confirmed_by") else pending_answer()


def _invalid(errors: dict[str, object]) -> ApiError:
    problems = [
        {"field": field, "problem": " ".join(str(message) for message in error.messages)}  # type: ignore[attr-defined]
        for field, error in errors.items()
    ]
    fields = ", ".join(problem["field"] for problem in problems)
    return ApiError(
        422, "invalid", _("Invalid signature: %(fields)s.") % {"fields": fields}, detail=problems
    )


def signature_record(
    *, api_key: ApiKey, access: CampaignAccess, payload: dict[str, object]
) -> Answer:
    campaign = access.campaign
    channel = str(payload.get("channel") or SignatureChannel.API)
    if channel not in API_CHANNELS:
        raise ApiError(
            422,
            "invalid",
            _("channel must be one of: %(channels)s.")
            % {"channels": ", ".join(sorted(API_CHANNELS))},
        )
    confirmed_by = payload.get("confirmed_by")
    if confirmed_by not in (None, "", CONFIRMED_BY_ORGANIZER):
        raise ApiError(422, "invalid", _('confirmed_by may only be "organizer".'))
    # A partner's signers are attributed to it, as through its link; removed partners bring none.
    partner = None
    if access.partner is not None:
        partner = partner_for_link(campaign=campaign, slug=access.partner.slug)
    data, errors = signature_data_clean(
        form_data(payload), consent_fields=consent_field_names(partner)
    )
    if errors:
        raise _invalid(errors)  # type: ignore[arg-type]
    try:
        if confirmed_by:
            if not access.is_host:
                raise ApiError(
                    403,
                    "host_only",
                    _("Only the host organization's write keys may record confirmed signatures."),
                )
            outcome = signatures_vouched_record(
                campaign=campaign,
                signatures=[
                    VouchedSignature(
                        name=data["name"],
                        email=data["email"],
                        country=data["country"],
                        postal_code=data["postal_code"],
                        comment=data["comment"],
                        show_name=data["show_name"],
                        source=data["source"],
                        contact_host=bool(data.get("contact_host")),
                    )
                ],
                channel=channel,
                language=get_language() or "en",
            )
            if outcome.created_ids:
                public_id = Signature.objects.values_list("public_id", flat=True).get(
                    pk=outcome.created_ids[0]
                )
                return 201, {"status": "confirmed", "identifiers": [f"groundswell:{public_id}"]}
            return 200, {"status": "already_signed"}
        if channel == SignatureChannel.PAPER:
            raise ApiError(422, "invalid", _('Paper signatures need confirmed_by: "organizer".'))
        signature_create(
            campaign=campaign,
            name=data["name"],
            email=data["email"],
            country=data["country"],
            postal_code=data["postal_code"],
            comment=data["comment"],
            show_name=data["show_name"],
            source=data["source"],
            partner=partner,
            consents=consents_from(
                data,
                host=campaign.organization,
                partner_organization=partner.organization if partner else None,
            ),
            channel=channel,
        )
    except CampaignNotSigning as error:
        raise ApiError(409, "not_signing", str(error)) from None
    except IntegrityError:
        # The same address signed at the same moment through another door: it has signed.
        return 200, {"status": "already_signed"}
    return pending_answer()
