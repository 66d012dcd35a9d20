from tongxing.lib.admin import register_all

from .models import AgreedLevel, SchoolConversion

register_all([AgreedLevel, SchoolConversion], search=("standard",))
