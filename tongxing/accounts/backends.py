from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .scope import user_with_access


class LockoutBackend(AxesStandaloneBackend):
    """django-axes lockout for every login through a request (the login page).

    Authentication without a request (the test client, management commands) is not a login attempt
    from outside and is left to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AccessBackend(ModelBackend):
    """Django's password check; the signed-in user of each request is read with their Access row, in one query
    instead of the user's and then access_of's."""

    def get_user(self, user_id):
        user = user_with_access(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
