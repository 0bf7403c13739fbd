"""Where other apps add chapters to a campaign's delivery package (the open letters, say).

An app registers a provider in its AppConfig.ready():

    from groundswell.delivery.package_sections import PackageSection, package_section_provider_add

    def letter_sections(*, campaign):
        for letter in letters_for_delivery(campaign=campaign):
            yield PackageSection(
                title=letter.title,
                paragraphs=[letter.text],
                columns=[Column("Name", 0.4), Column("Affiliation", 0.6)],
                rows=public_signatory_rows(letter=letter),  # an iterator: streamed, not a list
            )

    package_section_provider_add(letter_sections)

Each section starts on a new page, after the count and before the petition's signatories. Rows
hold only what may be printed: the provider decides, the package prints what it is given.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from groundswell.campaigns.models import Campaign
from groundswell.delivery.package_pdf import Column


@dataclass(frozen=True)
class PackageSection:
    title: str
    paragraphs: Sequence[str] = ()
    columns: Sequence[Column] = field(default_factory=tuple)
    # One tuple of strings per row, as many as columns; None for a section of text only.
    rows: Iterable[Sequence[str]] | None = None


SectionProvider = Callable[..., Iterable[PackageSection]]
_providers: list[SectionProvider] = []


def package_section_provider_add(provider: SectionProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def package_sections_for(*, campaign: Campaign) -> list[PackageSection]:
    return [section for provider in _providers for section in provider(campaign=campaign)]
