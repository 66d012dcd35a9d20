import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongxing.audit.models import Action
from tongxing.audit.services import record

from .forms import TokenForm


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(Action.LOGIN, user=form.get_user(), request=self.request, summary="password accepted")
        return response


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return redirect(default).url


@login_required
def verify(request):
    """The second step of a login: a code from the user's authenticator."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                record(Action.LOGIN, request=request, summary="second factor verified")
                return redirect(_next(request))
        record(Action.LOGIN_FAILED, request=request, summary="wrong second-factor code")
        form.add_error("token", _("驗證碼不正確或已過期 the code is wrong or has expired"))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


def _qr_svg(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def setup(request):
    """Pair an authenticator app (TOTP); the device counts only once a code from it is confirmed."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(Action.CHANGE, request=request, obj=request.user, summary="two-factor device confirmed")
            otp_login(request, device)
            messages.success(request, _("已啟用雙重認證。 Two-factor authentication is on."))
            return redirect(_next(request))
        form.add_error("token", _("驗證碼不正確或已過期 the code is wrong or has expired"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/setup.html", {
        "form": form, "qr": _qr_svg(device.config_url), "secret": secret, "next": _next(request)})
