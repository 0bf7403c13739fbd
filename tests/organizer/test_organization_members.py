"""Owners and admins manage who belongs to their organization; nobody else can."""

import pytest
from django.urls import reverse

from groundswell.accounts.models import Membership, Role
from groundswell.coalitions.models import Invitation

pytestmark = pytest.mark.django_db


def members_url(organization):
    return reverse("organizer:organization_members", args=[organization.slug])


def change_url(membership):
    return reverse(
        "organizer:organization_member_change",
        args=[membership.organization.slug, membership.pk],
    )


def test_members_see_the_list_outsiders_do_not(client, host, owner, viewer, outsider):
    client.force_login(viewer)
    body = client.get(members_url(host)).content.decode()
    assert "owner" in body and "Invite someone" not in body

    client.force_login(outsider)
    assert client.get(members_url(host)).status_code == 404


def test_an_owner_invites_a_viewer(client, host, owner):
    client.force_login(owner)

    response = client.post(members_url(host), {"role": Role.VIEWER})

    assert "/invitations/" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.role, invitation.campaign) == (host, "viewer", None)


def test_an_owner_changes_a_role(client, host, owner, viewer):
    client.force_login(owner)
    membership = Membership.objects.get(user=viewer)

    client.post(change_url(membership), {"role": Role.ORGANIZER})

    membership.refresh_from_db()
    assert membership.role == Role.ORGANIZER


def test_the_last_owner_cannot_be_demoted_or_removed(client, host, owner):
    client.force_login(owner)
    membership = Membership.objects.get(user=owner)

    demote = client.post(change_url(membership), {"role": Role.VIEWER}, follow=True)
    remove = client.post(change_url(membership), {"action": "remove"}, follow=True)

    assert "at least one owner" in demote.content.decode()
    assert "at least one owner" in remove.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_admins_cannot_make_or_unmake_owners(client, host, owner, make_user):
    admin = make_user(host, role=Role.ADMIN)
    client.force_login(admin)
    own = Membership.objects.get(user=admin)

    client.post(change_url(own), {"role": Role.OWNER})
    client.post(change_url(Membership.objects.get(user=owner)), {"action": "remove"})

    own.refresh_from_db()
    assert own.role == Role.ADMIN
    assert Membership.objects.filter(user=owner).exists()


def test_viewers_and_organizers_cannot_change_anything(client, host, owner, viewer, make_user):
    organizer = make_user(host, role=Role.ORGANIZER)
    target = Membership.objects.get(user=viewer)
    for user in (viewer, organizer):
        client.force_login(user)
        assert client.post(change_url(target), {"role": Role.ADMIN}).status_code == 403
        assert client.post(members_url(host), {"role": Role.VIEWER}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_an_unknown_role_is_refused(client, host, owner, viewer):
    client.force_login(owner)
    membership = Membership.objects.get(user=viewer)

    response = client.post(change_url(membership), {"role": "emperor"}, follow=True)

    assert "Unknown role" in response.content.decode()


def test_an_admin_uploads_a_logo_that_appears_on_cosponsored_pages(
    client, host, owner, campaign, make_org, make_user, settings, tmp_path
):
    import io

    from PIL import Image

    from groundswell.coalitions.models import Partner

    settings.MEDIA_ROOT = tmp_path
    partner_org = make_org("Faith Communities United", slug="faith-united")
    Partner.objects.create(campaign=campaign, organization=partner_org, slug="faith-united")
    client.force_login(make_user(partner_org, role=Role.ADMIN))
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    image.name = "logo.png"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=["faith-united"]),
        {"name": "Faith Communities United", "website": "https://faith.example", "logo": image},
    )

    partner_org.refresh_from_db()
    assert partner_org.logo.name.startswith("logos/")
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert partner_org.logo.url in body


def test_a_file_that_is_not_an_image_is_refused(client, host, owner, tmp_path, settings):
    import io

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "logo.png"

    response = client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": fake},
        follow=True,
    )

    assert "Not saved" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_with_too_many_pixels_is_refused(client, host, owner, tmp_path, settings):
    """A PNG of one colour compresses a thousandfold: under 1 MB it can hold 170 million pixels,
    which every share picture of the coalition's petitions would decode (gigabytes)."""
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    huge = io.BytesIO()
    Image.new("1", (4001, 4000)).save(huge, "PNG")
    huge.name = "logo.png"
    huge.seek(0)
    assert len(huge.getvalue()) < 1024 * 1024

    response = client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": huge},
        follow=True,
    )

    assert "too many pixels" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_is_stored_under_the_name_of_what_it_is(client, host, owner, tmp_path, settings):
    """Logos are served from this site by their file name's type: an image named .pdf (a PNG can
    be a PDF as well) would be served as a document on the platform's own address."""
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    image.name = "logo.pdf"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
    )

    host.refresh_from_db()
    assert host.logo.name.startswith("logos/logo") and host.logo.name.endswith(".png")
    response = client.get(host.logo.url)
    assert response["Content-Type"] == "image/png"


def test_a_logo_is_published_under_a_name_that_says_nothing_of_its_uploader(
    client, host, owner, tmp_path, settings
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "PNG")
    image.name = "Jane Doe at the Oakland office.png"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
    )

    host.refresh_from_db()
    assert host.logo.name.startswith("logos/logo") and host.logo.name.endswith(".png")
    assert "Jane" not in host.logo.name and "Oakland" not in host.logo.name


def test_a_logo_in_a_format_browsers_do_not_show_is_refused(
    client, host, owner, tmp_path, settings
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "TIFF")
    image.name = "logo.tiff"
    image.seek(0)

    response = client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
        follow=True,
    )

    assert "PNG, JPEG, GIF or WebP" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_a_logo_photo_is_stored_without_its_location_or_camera_data(
    client, host, owner, tmp_path, settings
):
    """A logo is published at /media/logos/: a photo taken for one (a banner at the office) must
    not carry where it was taken, or whose camera took it."""
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: a latitude
    exif[0x013B] = "Jane Organizer"  # Artist
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "JPEG", exif=exif.tobytes())
    image.name = "logo.jpg"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
    )

    host.refresh_from_db()
    assert host.logo.name.endswith(".jpg")
    with host.logo.open("rb") as file:
        stored = file.read()
    assert b"Jane Organizer" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert picture.size == (40, 30)


def test_a_gif_logo_keeps_its_transparency_but_not_its_comment(
    client, host, owner, tmp_path, settings
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    picture = Image.new("P", (8, 8), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    picture.paste(1, (0, 0, 4, 8))
    image = io.BytesIO()
    picture.save(image, "GIF", transparency=0, comment=b"made by Jane Organizer at home")
    image.name = "logo.gif"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
    )

    host.refresh_from_db()
    assert host.logo.name.endswith(".gif")
    with host.logo.open("rb") as file:
        stored = file.read()
    assert b"Jane Organizer" not in stored
    with Image.open(io.BytesIO(stored)) as logo:
        rgba = logo.convert("RGBA")
        assert rgba.getpixel((6, 4))[3] == 0  # the background stays see-through
        assert rgba.getpixel((1, 4)) == (200, 30, 30, 255)


def test_a_png_logo_keeps_its_transparency(client, host, owner, tmp_path, settings):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    picture = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (0, 0, 4, 8))
    image = io.BytesIO()
    picture.save(image, "PNG")
    image.name = "logo.png"
    image.seek(0)

    client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
    )

    host.refresh_from_db()
    with Image.open(host.logo.path) as logo:
        rgba = logo.convert("RGBA")
        assert rgba.getpixel((6, 4))[3] == 0
        assert rgba.getpixel((1, 4)) == (200, 30, 30, 255)


def test_a_logo_cut_short_is_refused_not_an_error(client, host, owner, tmp_path, settings):
    """Its header passes Django's check; its pixels end early, so it cannot be re-encoded."""
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(owner)
    whole = io.BytesIO()
    Image.effect_noise((64, 64), 64).convert("RGB").save(whole, "JPEG")
    image = io.BytesIO(whole.getvalue()[: len(whole.getvalue()) // 2])
    image.name = "logo.jpg"

    response = client.post(
        reverse("organizer:organization_profile", args=[host.slug]),
        {"name": host.name, "website": "", "logo": image},
        follow=True,
    )

    assert "Not saved" in response.content.decode()
    host.refresh_from_db()
    assert not host.logo


def test_an_admin_cannot_invite_an_owner(client, host, owner, make_user):
    client.force_login(make_user(host, role=Role.ADMIN))

    response = client.post(members_url(host), {"role": Role.OWNER})

    assert "Only an owner can change who is an owner" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_an_admin_cannot_promote_to_owner_nor_demote_an_owner(client, host, owner, make_user):
    client.force_login(make_user(host, role=Role.ADMIN))
    organizer = Membership.objects.get(user=make_user(host, role=Role.ORGANIZER))
    owners = Membership.objects.get(user=owner)

    promote = client.post(change_url(organizer), {"role": Role.OWNER}, follow=True)
    demote = client.post(change_url(owners), {"role": Role.VIEWER}, follow=True)

    assert "Only an owner can change who is an owner" in promote.content.decode()
    assert "Only an owner can change who is an owner" in demote.content.decode()
    organizer.refresh_from_db()
    owners.refresh_from_db()
    assert (organizer.role, owners.role) == (Role.ORGANIZER, Role.OWNER)


def test_the_role_services_check_the_person_acting_not_a_role_they_are_told(host, owner, viewer):
    from groundswell.accounts.services import (
        MembershipError,
        membership_remove,
        membership_role_change,
    )

    target = Membership.objects.get(user=owner)
    with pytest.raises(MembershipError):
        membership_role_change(membership=target, role=Role.VIEWER, changed_by=viewer)
    with pytest.raises(MembershipError):
        membership_remove(membership=target, removed_by=viewer)
    target.refresh_from_db()
    assert target.role == Role.OWNER


def test_a_logo_uploaded_in_the_django_admin_is_stored_without_its_location(
    client, host, make_user, tmp_path, settings
):
    """The admin's organization page is another way to upload a logo: the same checks apply."""
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    exif = Image.Exif()
    exif[0x013B] = "Jane Organizer"  # Artist
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(image, "JPEG", exif=exif.tobytes())
    image.name = "logo.pdf"
    image.seek(0)

    client.post(
        reverse("admin:accounts_organization_change", args=[host.pk]),
        {
            "name": host.name, "slug": host.slug, "website": "", "logo": image,
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip

    host.refresh_from_db()
    assert host.logo.name.endswith(".jpg")
    with host.logo.open("rb") as file:
        assert b"Jane Organizer" not in file.read()


def test_only_superusers_edit_memberships_and_privileges_in_the_django_admin(
    client, host, owner, make_user
):
    from django.contrib.auth.models import Permission

    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_organization", "change_organization", "view_membership",
                "add_membership", "change_membership", "delete_membership",
                "view_user", "change_user",
            ]
        )
    )  # fmt: skip
    client.force_login(staff)
    organization_page = reverse("admin:accounts_organization_change", args=[host.pk])
    user_page = reverse("admin:accounts_user_change", args=[staff.pk])

    client.post(
        organization_page,
        {
            "name": host.name, "slug": host.slug, "website": "",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": staff.pk, "memberships-0-role": Role.OWNER,
        },
    )  # fmt: skip
    user_form = client.get(user_page).content.decode()
    client.post(
        user_page,
        {
            "username": "staffer", "is_active": "on", "is_staff": "on", "is_superuser": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        },
    )  # fmt: skip

    assert not Membership.objects.filter(user=staff).exists()
    assert 'name="is_superuser"' not in user_form
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_a_staff_account_cannot_take_over_a_superusers_account(client, make_user):
    from django.contrib.auth.models import Permission

    from groundswell.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "pw")
    staff = make_user(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-Over-42", "password2": "taken-Over-42"},
    )

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("pw")
