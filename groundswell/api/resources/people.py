"""People (OSDI `osdi:people`): the signers who confirmed that the key's organization may contact
them, on any petition it hosts or co-sponsors; one entry per signature (a person who signed two
petitions appears twice, each with its own identifier)."""

from django.http import HttpRequest
from ninja import Query, Router

from groundswell.api.auth import read_auth, request_key
from groundswell.api.cursors import absolute, collection, keyset_page, page_request
from groundswell.api.resources.petitions import ListQuery, petition_path
from groundswell.api.schemas import ERRORS, PersonOut, collection_schema, person_name
from groundswell.signatures.models import Signature
from groundswell.signatures.selectors import consenting_supporters

PREFIX = "/people"
router = Router(tags=["people"])

PeopleCollection = collection_schema("PeopleCollection", "osdi:people", PersonOut)


def person_out(request: HttpRequest, signature: Signature) -> dict[str, object]:
    given, family = person_name(signature.name)
    return {
        "identifiers": [f"groundswell:{signature.public_id}"],
        "given_name": given,
        "family_name": family,
        "email_addresses": [{"address": signature.email, "primary": True}],
        "postal_addresses": [
            {"postal_code": signature.postal_code, "country": str(signature.country)}
        ],
        "created_date": signature.created_at,
        "modified_date": signature.confirmed_at,
        "_links": {"osdi:petition": {"href": absolute(request, petition_path(signature.campaign))}},
    }


@router.get(
    "",
    auth=read_auth,
    response={200: PeopleCollection, **ERRORS},
    by_alias=True,
    url_name="people",
    summary="Signers who confirmed that the key's organization may contact them",
)
def people(request: HttpRequest, query: Query[ListQuery]) -> dict[str, object]:
    page = page_request(**query.dict())
    rows = consenting_supporters(organization_id=request_key(request).organization_id)
    found = keyset_page(
        rows.select_related("campaign").only(
            "public_id",
            "name",
            "email",
            "postal_code",
            "country",
            "created_at",
            "confirmed_at",
            "campaign__slug",
        ),
        modified="confirmed_at",
        page=page,
    )
    return collection(
        request,
        relation="osdi:people",
        page=found,
        page_request=page,
        item=lambda signature: person_out(request, signature),
        query={"modified_since": query.modified_since, "filter": query.filter},
    )
