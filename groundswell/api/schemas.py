"""Shapes shared by every resource, after OSDI as Action Network serves it: HAL `_links`,
collections with `_embedded` items, and the one error shape."""

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model


class ApiSchema(Schema):
    model_config = ConfigDict(populate_by_name=True)


class Link(ApiSchema):
    href: str


class ErrorOut(ApiSchema):
    error: str
    message: str
    detail: Any = None


# The refusals every authenticated operation may answer with.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class EmailAddress(ApiSchema):
    address: str
    primary: bool = True


class PostalAddress(ApiSchema):
    postal_code: str = ""
    country: str = ""


class PersonOut(ApiSchema):
    identifiers: list[str]
    given_name: str
    family_name: str
    # Empty unless the person confirmed that the key's organization may contact them.
    email_addresses: list[EmailAddress]
    postal_addresses: list[PostalAddress]
    created_date: datetime | None = None
    modified_date: datetime | None = None
    links: dict[str, Link] = Field(default_factory=dict, alias="_links")


def collection_schema(name: str, relation: str, item: type[Schema]) -> type[Schema]:
    """The response schema of one collection: `_embedded` holds the items under `relation`."""
    embedded = create_model(
        f"{name}Embedded",
        __base__=ApiSchema,
        items=(list[item], Field(alias=relation)),  # type: ignore[valid-type]
    )
    return create_model(
        name,
        __base__=ApiSchema,
        per_page=(int, ...),
        next_cursor=(str | None, None),
        links=(dict[str, Link | list[Link]], Field(alias="_links")),
        embedded=(embedded, Field(alias="_embedded")),
    )


def person_name(name: str) -> tuple[str, str]:
    given, _space, family = name.partition(" ")
    return given, family
