"""Session and transport security that applies to every page."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .scope import access_of, level_of
from .services import has_second_factor

# Pages a signed-in user may reach before the second factor: finishing the login, leaving, switching language.
OPEN_BEFORE_SECOND_FACTOR = ("login", "logout", "otp-verify", "otp-setup", "set_language")


def second_factor_required(user) -> bool:
    return user.is_superuser or level_of(user) in settings.TONGXING_REQUIRE_2FA_LEVELS


# The idle clock is stamped at most once a minute: stamping every page would make every page a session write.
# The stamp lags at most this much, so a session is signed out up to a minute early, never late.
SEEN_EVERY = 60


def _return_to(request) -> str:
    """Where to go after signing in again: for a form sent after the idle time, the page the form was on (its
    draft is kept in the browser and put back there), not the address it posted to, which may take no GET."""
    if request.method == "POST":
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.path and url_has_allowed_host_and_scheme(request.headers["Referer"], {request.get_host()},
                                                            request.is_secure()):
            return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.path


class IdleTimeoutMiddleware:
    """Signs out a session left idle longer than TONGXING_IDLE_TIMEOUT seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.TONGXING_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('login')}?{urlencode({'next': _return_to(request)})}")
            if now - last >= SEEN_EVERY or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


def _paired(user) -> bool:
    """Whether the login has a second factor, read with its Access row at the start of this request (the row every
    page reads anyway); a login without one (a superuser) is asked directly."""
    access = access_of(user)
    paired = getattr(access, "paired_second_factor", None)
    return has_second_factor(user) if paired is None else paired


class SecondFactorMiddleware:
    """Until the second step of the login is passed (django-otp), a signed-in user reaches nothing but the
    two-factor pages: supervisors and administrators always; anyone else once they have paired an
    authenticator (having one means a password alone no longer signs in)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = (settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",)

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not user.is_verified()
                and not request.path.startswith(self.exempt_prefixes)):
            match = getattr(request, "resolver_match", None)
            from django.urls import Resolver404, resolve

            try:
                name = (match or resolve(request.path_info)).url_name
            except Resolver404:
                name = None
            if name not in OPEN_BEFORE_SECOND_FACTOR:
                if _paired(user):
                    return redirect(f"{reverse('otp-verify')}?next={request.get_full_path()}")
                if second_factor_required(user):
                    return redirect(f"{reverse('otp-setup')}?next={request.get_full_path()}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Scripts only from our own static files: a stored payload cannot run even if escaping ever failed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{k} {v}" for k, v in settings.TONGXING_CSP.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class AdminReadAuditMiddleware:
    """Every page a superuser reads in the Django admin enters the audit trail (its changes already do)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (request.method == "GET" and response.status_code == 200 and match is not None
                and match.namespace == "admin" and match.url_name != "jsi18n" and request.user.is_superuser):
            record(Action.VIEW, request=request, object_type=f"admin:{match.url_name}",
                   object_id=str(match.kwargs.get("object_id", ""))[:64],
                   summary=f"admin read {request.get_full_path()}"[:300])
        return response
