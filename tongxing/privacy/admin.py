from tongxing.lib.admin import register_all

from .models import Consent, Disclosure

register_all([Consent, Disclosure], search=("recipient", "purpose"))
