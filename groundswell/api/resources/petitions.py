"""Petitions (OSDI `osdi:petitions`) and their signatures (`osdi:signatures`).

A host's key sees all its petitions and every confirmed signature, with contact details only
for signers who confirmed consent to the host (the campaign export's rules); a partner's key
sees the petitions it co-sponsors and only the signers who confirmed consent to it (the
supporters export's rules).
"""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Header, Query, Router, Schema
from pydantic import Field

from groundswell.api.access import campaign_for_key
from groundswell.api.auth import read_auth, request_key, write_auth
from groundswell.api.cursors import absolute, collection, keyset_page, page_request
from groundswell.api.idempotency import idempotent, request_fingerprint
from groundswell.api.recording import expected_answer, signature_record
from groundswell.api.schemas import (
    ERRORS,
    ApiSchema,
    EmailAddress,
    ErrorOut,
    Link,
    PersonOut,
    PostalAddress,
    collection_schema,
    person_name,
)
from groundswell.campaigns.models import Campaign
from groundswell.campaigns.selectors import campaigns_for_organization
from groundswell.signatures.models import Signature
from groundswell.signatures.selectors import (
    channel_breakdown,
    consenting_supporters,
    signatures_confirmed_for_host,
)

PREFIX = "/petitions"
router = Router(tags=["petitions"])


class ListQuery(Schema):
    per_page: int | None = None
    cursor: str | None = None
    modified_since: str | None = None
    filter: str | None = None


class TargetOut(ApiSchema):
    name: str


class PetitionOut(ApiSchema):
    identifiers: list[str]
    origin_system: str = "Groundswell"
    title: str
    description: str
    status: str
    target: list[TargetOut]
    browser_url: str
    total_signatures: int
    channels: dict[str, int]
    created_date: datetime
    modified_date: datetime
    links: dict[str, Link] = Field(alias="_links")


class SignatureOut(ApiSchema):
    identifiers: list[str]
    created_date: datetime
    modified_date: datetime
    comments: str
    source: str
    channel: str
    confirmed_by: str
    person: PersonOut
    links: dict[str, Link] = Field(alias="_links")


PetitionCollection = collection_schema("PetitionCollection", "osdi:petitions", PetitionOut)
SignatureCollection = collection_schema("SignatureCollection", "osdi:signatures", SignatureOut)


def petition_path(campaign: Campaign) -> str:
    return reverse("api-v1:petition", kwargs={"slug": campaign.slug})


def signatures_path(campaign: Campaign) -> str:
    return reverse("api-v1:petition_signatures", kwargs={"slug": campaign.slug})


def petition_out(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    return {
        "identifiers": [f"groundswell:{campaign.slug}"],
        "title": campaign.title,
        "description": campaign.ask,
        "status": campaign.status,
        "target": [{"name": campaign.target_line}] if campaign.target_line else [],
        "browser_url": request.build_absolute_uri(campaign.get_absolute_url()),
        "total_signatures": campaign.signature_count,
        "channels": channel_breakdown(campaign=campaign),
        "created_date": campaign.created_at,
        "modified_date": campaign.updated_at,
        "_links": {
            "self": {"href": absolute(request, petition_path(campaign))},
            "osdi:signatures": {"href": absolute(request, signatures_path(campaign))},
        },
    }


def signature_out(
    request: HttpRequest, signature: Signature, *, campaign: Campaign, contact: bool
) -> dict[str, object]:
    """`contact`: the key's organization may see this signer's contact details (CONTACT_COLUMNS
    of the exports: e-mail and postal code)."""
    given, family = person_name(signature.name)
    modified = signature.confirmed_at or signature.created_at
    person = PersonOut(
        identifiers=[f"groundswell:{signature.public_id}"],
        given_name=given,
        family_name=family,
        email_addresses=[EmailAddress(address=signature.email)] if contact else [],
        postal_addresses=[
            PostalAddress(
                postal_code=signature.postal_code if contact else "",
                country=str(signature.country),
            )
        ],
        created_date=signature.created_at,
        modified_date=modified,
    ).model_dump(by_alias=True)
    return {
        "identifiers": [f"groundswell:{signature.public_id}"],
        "created_date": signature.created_at,
        "modified_date": modified,
        "comments": signature.comment,
        "source": signature.source,
        "channel": signature.channel,
        "confirmed_by": signature.confirmed_by,
        "person": person,
        "_links": {"osdi:petition": {"href": absolute(request, petition_path(campaign))}},
    }


@router.get(
    "",
    auth=read_auth,
    response={200: PetitionCollection, **ERRORS},
    by_alias=True,
    url_name="petitions",
    summary="The petitions the key's organization hosts or co-sponsors",
)
def petitions(request: HttpRequest, query: Query[ListQuery]) -> dict[str, object]:
    api_key = request_key(request)
    page = page_request(**query.dict())
    found = keyset_page(
        campaigns_for_organization(organization_id=api_key.organization_id),
        modified="updated_at",
        page=page,
    )
    return collection(
        request,
        relation="osdi:petitions",
        page=found,
        page_request=page,
        item=lambda campaign: petition_out(request, campaign),
        query={"modified_since": query.modified_since, "filter": query.filter},
    )


@router.get(
    "/{slug}",
    auth=read_auth,
    response={200: PetitionOut, **ERRORS},
    by_alias=True,
    url_name="petition",
)
def petition(request: HttpRequest, slug: str) -> dict[str, object]:
    access = campaign_for_key(api_key=request_key(request), slug=slug)
    return petition_out(request, access.campaign)


@router.get(
    "/{slug}/signatures",
    auth=read_auth,
    response={200: SignatureCollection, **ERRORS},
    by_alias=True,
    url_name="petition_signatures",
    summary="Confirmed signatures, as the key's organization may see them",
)
def signatures(request: HttpRequest, slug: str, query: Query[ListQuery]) -> dict[str, object]:
    access = campaign_for_key(api_key=request_key(request), slug=slug)
    campaign = access.campaign
    page = page_request(**query.dict())
    rows: QuerySet[Signature]
    if access.is_host:
        rows = signatures_confirmed_for_host(campaign=campaign)
    else:
        rows = consenting_supporters(
            organization_id=request_key(request).organization_id, campaign=campaign
        )
    found = keyset_page(rows, modified="confirmed_at", page=page)
    return collection(
        request,
        relation="osdi:signatures",
        page=found,
        page_request=page,
        item=lambda signature: signature_out(
            request,
            signature,
            campaign=campaign,
            contact=getattr(signature, "contact_consent", True),
        ),
        query={"modified_since": query.modified_since, "filter": query.filter},
        extra_links={"osdi:petition": {"href": absolute(request, petition_path(campaign))}},
    )


class EmailIn(Schema):
    address: str = ""


class PostalAddressIn(Schema):
    postal_code: str = ""
    country: str = ""


class PersonIn(Schema):
    given_name: str = ""
    family_name: str = ""
    email_addresses: list[EmailIn] = []
    postal_addresses: list[PostalAddressIn] = []


class SignatureIn(Schema):
    person: PersonIn
    comments: str = ""
    source: str = ""
    show_name: bool = False
    # Consent, as the form's boxes: to the host, and to the key's organization when it is a
    # partner. Never assumed: absent means no.
    contact_host: bool = False
    contact_partner: bool = False
    channel: str | None = Field(None, description="api (default), partner_tool, or paper")
    confirmed_by: str | None = Field(
        None,
        description='"organizer": the host vouches for the signer (host write keys only); '
        "the signature counts at once, without a confirmation e-mail",
    )


class RecordedOut(ApiSchema):
    status: str
    identifiers: list[str] = []


@router.post(
    "/{slug}/signatures",
    auth=write_auth,
    response={200: RecordedOut, 201: RecordedOut, 202: RecordedOut, 409: ErrorOut, **ERRORS},
    url_name="petition_signatures",
    summary="Record a signature (the form's rules; confirmed_by for the host's write keys)",
)
def signature_post(
    request: HttpRequest,
    slug: str,
    body: SignatureIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> tuple[int, dict[str, object]]:
    api_key = request_key(request)
    access = campaign_for_key(api_key=api_key, slug=slug)
    payload = body.model_dump()
    (status, answer), _replayed = idempotent(
        api_key=api_key,
        key=idempotency_key,
        fingerprint=request_fingerprint(method="POST", path=request.path, body=request.body),
        work=lambda: signature_record(api_key=api_key, access=access, payload=payload),
        expected=expected_answer(payload),
    )
    return status, answer
