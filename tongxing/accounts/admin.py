from tongxing.lib.admin import register_all

from .models import Access

register_all([Access], search=("user__username",))
