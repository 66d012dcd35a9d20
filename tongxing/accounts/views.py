import base64
from io import BytesIO

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongxing.audit.models import Action
from tongxing.audit.services import record

from . import services
from .forms import TokenForm, VerifyForm
from .scope import can_reset_second_factor


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(Action.LOGIN, user=form.get_user(), request=self.request, summary="password accepted")
        services.show_notices(self.request, form.get_user())
        return response


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return redirect(default).url


@login_required
def verify(request):
    """The second step of a login: a code from the user's authenticator, or one of their recovery codes."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not services.has_second_factor(request.user):
        return redirect(f"{redirect('otp-setup').url}?next={_next(request)}")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        if len(token) == 6:
            devices, recovery = TOTPDevice.objects.filter(user=request.user, confirmed=True), False
        else:
            devices, recovery = StaticDevice.objects.filter(user=request.user, confirmed=True), True
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                if recovery:
                    services.recovery_code_used(request, request.user)
                else:
                    record(Action.LOGIN, request=request, summary="second factor verified")
                return redirect(_next(request))
        record(Action.LOGIN_FAILED, request=request, summary="wrong second-factor code")
        form.add_error("token", _("The code is wrong, already used or has expired."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def _qr_svg(url):
    import qrcode.image.svg  # brings Pillow; only pairing an authenticator needs it, not every worker's start

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
def setup(request):
    """Pair an authenticator app (TOTP); the device counts only once a code from it is confirmed.

    An account that already has a second factor adds another only after passing it in this session:
    otherwise a stolen password alone would pair the thief's phone and skip the second factor."""
    if services.has_second_factor(request.user) and not request.user.is_verified():
        return redirect(f"{redirect('otp-verify').url}?next={_next(request)}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            codes = services.confirm_device(request, device)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            if codes:
                return _show_recovery_codes(request, codes)
            return redirect(_next(request))
        form.add_error("token", _("The code is wrong, already used or has expired."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/setup.html", {
        "form": form, "qr": _qr_svg(device.config_url), "secret": secret, "next": _next(request)})


def _show_recovery_codes(request, codes):
    response = render(request, "accounts/recovery_codes.html", {
        "codes": [f"{c[:4]}-{c[4:]}" for c in codes], "next": _next(request)})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def recovery_codes(request):
    """How many recovery codes are left; a new set (shown once) replaces the old."""
    if not request.user.is_verified():
        return redirect(f"{redirect('otp-verify').url}?next={request.path}")
    if request.method == "POST":
        return _show_recovery_codes(request, services.new_recovery_codes(request, request.user))
    left = sum(d.token_set.count() for d in StaticDevice.objects.filter(user=request.user))
    return render(request, "accounts/recovery_left.html", {"left": left})


@never_cache
@login_required
def reset_second_factor(request, pk):
    """A supervisor or administrator clears the authenticator a colleague lost (confirm, then POST)."""
    target = get_object_or_404(get_user_model(), pk=pk)
    if not can_reset_second_factor(request.user, target):
        raise PermissionDenied
    if request.method == "POST":
        services.reset_second_factor(request, target)
        messages.success(request, _("The second factor of %(user)s was reset.") % {"user": target.get_username()})
        return redirect("home")
    return render(request, "accounts/reset.html", {
        "target": target, "has_second_factor": services.has_second_factor(target)})
