"""Open letters of the key's organization and their signatories (host only: partners of a
campaign are not a letter's organizers). Names follow each signatory's display choice, as
everywhere; a personal e-mail only once its owner confirmed it (the contacts export's rule)."""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from groundswell.api.access import not_found
from groundswell.api.auth import read_auth, request_key
from groundswell.api.cursors import absolute, collection, keyset_page, page_request
from groundswell.api.resources.petitions import ListQuery
from groundswell.api.schemas import ERRORS, ApiSchema, Link, collection_schema
from groundswell.letters.models import NAMED_DISPLAYS, Letter, Signatory
from groundswell.letters.selectors import public_signatory_values
from groundswell.letters.services.notices import NOTIFIED_STATUSES

PREFIX = "/letters"
router = Router(tags=["letters"])


class LetterOut(ApiSchema):
    identifiers: list[str]
    title: str
    addressee: str
    status: str
    browser_url: str
    total_signatories: int
    created_date: datetime
    modified_date: datetime
    links: dict[str, Link] = Field(alias="_links")


class SignatoryOut(ApiSchema):
    identifiers: list[str]
    name: str
    title: str
    affiliation: str
    category: str
    status: str
    email_addresses: list[dict[str, str | bool]]
    created_date: datetime
    modified_date: datetime
    links: dict[str, Link] = Field(alias="_links")


LetterCollection = collection_schema("LetterCollection", "osdi:letters", LetterOut)
SignatoryCollection = collection_schema("SignatoryCollection", "osdi:signatories", SignatoryOut)


def letter_path(letter: Letter) -> str:
    return reverse("api-v1:letter", kwargs={"slug": letter.slug})


def letter_out(request: HttpRequest, letter: Letter) -> dict[str, object]:
    return {
        "identifiers": [f"groundswell:{letter.slug}"],
        "title": letter.title,
        "addressee": letter.addressee,
        "status": letter.status,
        "browser_url": request.build_absolute_uri(letter.get_absolute_url()),
        "total_signatories": letter.signatory_count,
        "created_date": letter.created_at,
        "modified_date": letter.updated_at,
        "_links": {
            "self": {"href": absolute(request, letter_path(letter))},
            "osdi:signatories": {
                "href": absolute(
                    request, reverse("api-v1:letter_signatories", kwargs={"slug": letter.slug})
                )
            },
        },
    }


def letter_for_key(request: HttpRequest, slug: str) -> Letter:
    letter = Letter.objects.filter(
        slug=slug, organization_id=request_key(request).organization_id
    ).first()
    if letter is None:
        raise not_found("letter")
    return letter


@router.get(
    "",
    auth=read_auth,
    response={200: LetterCollection, **ERRORS},
    by_alias=True,
    url_name="letters",
)
def letters(request: HttpRequest, query: Query[ListQuery]) -> dict[str, object]:
    page = page_request(**query.dict())
    found = keyset_page(
        Letter.objects.filter(organization_id=request_key(request).organization_id),
        modified="updated_at",
        page=page,
    )
    return collection(
        request,
        relation="osdi:letters",
        page=found,
        page_request=page,
        item=lambda letter: letter_out(request, letter),
        query={"modified_since": query.modified_since, "filter": query.filter},
    )


@router.get(
    "/{slug}", auth=read_auth, response={200: LetterOut, **ERRORS}, by_alias=True, url_name="letter"
)
def letter(request: HttpRequest, slug: str) -> dict[str, object]:
    return letter_out(request, letter_for_key(request, slug))


@router.get(
    "/{slug}/signatories",
    auth=read_auth,
    response={200: SignatoryCollection, **ERRORS},
    by_alias=True,
    url_name="letter_signatories",
    summary="Listed signatories, named as each chose; personal e-mails only once confirmed",
)
def signatories(request: HttpRequest, slug: str, query: Query[ListQuery]) -> dict[str, object]:
    letter = letter_for_key(request, slug)
    page = page_request(**query.dict())
    listed = Signatory.objects.filter(letter=letter, is_listed=True)
    found = keyset_page(listed, modified="created_at", page=page)
    shown = {
        row["id"]: row
        for row in public_signatory_values(
            Signatory.objects.filter(pk__in=[signatory.pk for signatory in found.rows])
        )
    }

    def signatory_out(signatory: Signatory) -> dict[str, object]:
        row = shown[signatory.pk]
        confirmed = (
            bool(signatory.personal_email)
            and signatory.personal_email_confirmed_at is not None
            and signatory.status in NOTIFIED_STATUSES
        )
        return {
            "identifiers": [f"groundswell:{signatory.public_id}"],
            "name": row["shown_name"] if row["display"] in NAMED_DISPLAYS else "",
            "title": row["shown_title"] or "",
            "affiliation": row["shown_affiliation"] or "",
            "category": row["category_name"],
            "status": signatory.status,
            "email_addresses": (
                [{"address": signatory.personal_email, "primary": True}] if confirmed else []
            ),
            "created_date": signatory.created_at,
            "modified_date": signatory.created_at,
            "_links": {"osdi:letter": {"href": absolute(request, letter_path(letter))}},
        }

    return collection(
        request,
        relation="osdi:signatories",
        page=found,
        page_request=page,
        item=signatory_out,
        query={"modified_since": query.modified_since, "filter": query.filter},
        extra_links={"osdi:letter": {"href": absolute(request, letter_path(letter))}},
    )
