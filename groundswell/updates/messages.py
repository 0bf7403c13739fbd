"""An update as an e-mail: the text rendered once per update and language, then per recipient
only the personal unsubscribe link, and the headers mail providers require of bulk mail
(RFC 8058).

The update's own subject and text are the organizer's words, in whatever language they wrote
them; what surrounds them (why the person gets it, the links, how to unsubscribe, the page the
link opens) is in the recipient's language: the one they signed, or RSVPed, in.
"""

from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from groundswell.campaigns.models import Campaign
from groundswell.campaigns.translations import campaign_in_language
from groundswell.core.link_language import with_link_language
from groundswell.core.signed_links import SignedLink, absolute_url
from groundswell.core.text import one_line
from groundswell.events.models import Event
from groundswell.letters.models import Letter
from groundswell.letters.translations import letter_in_language
from groundswell.updates.audiences import audience_reason
from groundswell.updates.models import Update

# Never expires: a link in an e-mail from years ago must still unsubscribe. It names the
# organization and the keyed hash of the address, not the address or any row.
UNSUBSCRIBE_LINKS = SignedLink(purpose="groundswell.updates.unsubscribe", timestamped=False)
UNSUBSCRIBE_LINK = "List-Unsubscribe"
# Where the personal values go in a message made once for many recipients. Plain ASCII, so
# that they pass unchanged through templates, escaping and 8-bit MIME bodies.
LINK_HOLE = "https://unsubscribe-hole.invalid/7c1b9e"
TO_HOLE = "to-hole-7c1b9e@to-hole.invalid"
MESSAGE_ID_HOLE = "message-id-hole-7c1b9e"


def recipient_language(stored: str | None) -> str:
    """The language to write to someone in: the one stored with them while it is still one of
    the site's, else the site's default (nothing stored: they came before languages were)."""
    if stored and stored in dict(settings.LANGUAGES):
        return stored
    return settings.LANGUAGE_CODE


def unsubscribe_url(
    *, organization_id: int, organization_slug: str, address_hash: str, language: str = ""
) -> str:
    """The personal link; with `language`, the page it opens is in that language."""
    token = UNSUBSCRIBE_LINKS.make(f"{organization_id}:{address_hash}")
    path = reverse(
        "updates:unsubscribe", kwargs={"organization": organization_slug, "token": token}
    )
    if language:
        path = with_link_language(path, language)
    return absolute_url(path)


def _about_in_language(update: Update, language: str) -> Campaign | Letter | Event | None:
    """What the update is about, titled as a visitor reading `language` sees it (the
    organizers' translation of a petition's or letter's title, when there is one)."""
    if update.campaign is not None:
        return campaign_in_language(campaign=update.campaign, language=language).campaign
    if update.letter is not None:
        return letter_in_language(letter=update.letter, language=language).letter
    return update.event


def _reason(
    update: Update, *, about: Campaign | Letter | Event | None, about_url: str
) -> tuple[str, SafeString]:
    """Why the recipient gets the update (its audience says), in the active language: as plain
    text, and as HTML whose title links to the page it names."""
    reason = str(audience_reason(update.audience))
    organization = update.organization.name
    title = about.title if about is not None else ""
    text = reason % {"organization": organization, "title": title}
    linked = format_html('<a href="{}">{}</a>', about_url, title) if about_url else escape(title)
    # The sentence and the organization's name are escaped here, the title by format_html.
    escaped = {"organization": escape(organization), "title": linked}
    html = mark_safe(escape(reason) % escaped)  # noqa: S308 (every part is escaped)
    return text, html


class RenderedUpdate:
    """What every recipient's e-mail in one language shares, rendered once."""

    def __init__(self, update: Update, *, language: str, subject_prefix: str = "") -> None:
        self.language = recipient_language(language)
        about = _about_in_language(update, self.language)
        # Opens in the language of the e-mail, whatever the browser asks for (the link names it).
        about_url = (
            absolute_url(with_link_language(about.get_absolute_url(), self.language))
            if about
            else ""
        )
        context = {
            "update": update,
            "about_url": about_url,
            "unsubscribe_url": LINK_HOLE,
            # Organizers write in the site's default language (see campaigns.translations).
            "original_language": settings.LANGUAGE_CODE,
        }
        with translation.override(self.language):
            context["reason"], context["reason_html"] = _reason(
                update, about=about, about_url=about_url
            )
            self.text = render_to_string("updates/email/update.txt", context)
            self.html = render_to_string("updates/email/update.html", context)
        self.subject = one_line(f"{subject_prefix}{update.subject}")
        _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        self.from_email = formataddr((one_line(update.organization.name), address))
        domain = address.rpartition("@")[2] or "groundswell.invalid"
        self.message_id_domain = domain
        self.update_id = update.pk

    def message(
        self, *, to: str, unsubscribe_url: str, message_id: str | None, connection: object = None
    ) -> EmailMultiAlternatives:
        headers = {
            # The link alone, no mailto: (RFC 2369 allows one beside it): Groundswell receives
            # no mail, and an address whose messages nobody reads would unsubscribe no one while
            # the person believed it had. The one-click POST (RFC 8058) is what Gmail and Yahoo
            # ask of bulk senders, and it works without the person's mail program.
            UNSUBSCRIBE_LINK: f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        }
        if message_id:
            headers["Message-ID"] = f"<{message_id}@{self.message_id_domain}>"
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text.replace(LINK_HOLE, unsubscribe_url),
            from_email=self.from_email,
            to=[to],
            headers=headers,
            connection=connection,
        )
        message.attach_alternative(self.html.replace(LINK_HOLE, unsubscribe_url), "text/html")
        return message


class RenderedUpdates:
    """An update rendered once per language, as a send task meets its recipients' languages."""

    def __init__(self, update: Update) -> None:
        self.update = update
        self._by_language: dict[str, RenderedUpdate] = {}

    def in_language(self, language: str) -> RenderedUpdate:
        rendered = self._by_language.get(language)
        if rendered is None:
            rendered = RenderedUpdate(self.update, language=language)
            self._by_language[language] = rendered
        return rendered


class MessageBytes:
    """One message as bytes for every recipient, with holes for the personal values: for
    Django's SMTP backend, whose MIME building and encoding cost more than the rest of sending
    a message. None where the holes did not come through intact (a body line over 998
    characters is quoted-printable encoded, which may break them): send as usual then."""

    def __init__(self, template: bytes, *, envelope_from: str) -> None:
        self.template = template
        self.envelope_from = envelope_from

    @classmethod
    def made(cls, rendered: RenderedUpdate) -> "MessageBytes | None":
        message = rendered.message(
            to=TO_HOLE, unsubscribe_url=LINK_HOLE, message_id=MESSAGE_ID_HOLE
        )
        template = message.message().as_bytes(linesep="\r\n")
        expected_links = 1 + rendered.text.count(LINK_HOLE) + rendered.html.count(LINK_HOLE)
        holes_intact = (
            template.count(LINK_HOLE.encode()) == expected_links
            and template.count(TO_HOLE.encode()) == 1
            and template.count(MESSAGE_ID_HOLE.encode()) == 1
        )
        if not holes_intact:
            return None
        return cls(template, envelope_from=parseaddr(rendered.from_email)[1])

    def for_recipient(self, *, to: str, unsubscribe_url: str, message_id: str) -> bytes | None:
        """The message's bytes, or None for an address or link that is not plain ASCII."""
        if not (to.isascii() and unsubscribe_url.isascii()) or "\n" in to or "\r" in to:
            return None
        return (
            self.template.replace(TO_HOLE.encode(), to.encode())
            .replace(LINK_HOLE.encode(), unsubscribe_url.encode())
            .replace(MESSAGE_ID_HOLE.encode(), message_id.encode())
        )

    def send(self, smtp: Any, *, to: str, data: bytes) -> None:
        """Through an open connection of Django's SMTP backend, as its `_send` does."""
        smtp.connection.sendmail(self.envelope_from, [to], data)


def update_message(
    *,
    update: Update,
    to: str,
    unsubscribe_url: str,
    subject_prefix: str,
    message_id: str | None,
    language: str,
) -> EmailMultiAlternatives:
    return RenderedUpdate(update, language=language, subject_prefix=subject_prefix).message(
        to=to, unsubscribe_url=unsubscribe_url, message_id=message_id
    )
