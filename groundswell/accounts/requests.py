from django.http import HttpRequest

from groundswell.accounts.models import User


class MemberRequest(HttpRequest):
    """A request to a page behind `login_required`: its user is a logged-in User (for types;
    at run time it is the HttpRequest Django made)."""

    user: User
