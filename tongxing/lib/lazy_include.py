"""An include whose URLconf is imported on first use, not when the site's URLconf is read."""

from django.urls.resolvers import RoutePattern, URLResolver


class LazyURLResolver(URLResolver):
    """Imports its URLconf module when a path under it is resolved or one of its names is reversed.

    The site's resolver walks every include when it first reverses any name (`{% url %}` on every page); a
    namespaced include only has to give its namespace then, so this one waits until that namespace is used.
    """

    def _populate(self):
        if "urlconf_module" in self.__dict__:  # cached_property: set once the module is imported
            super()._populate()

    def _loaded(self):
        self.url_patterns  # noqa: B018 - imports the module

    @property
    def reverse_dict(self):
        self._loaded()
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self._loaded()
        return super().namespace_dict

    @property
    def app_dict(self):
        self._loaded()
        return super().app_dict


def lazy_include(route: str, module: str, *, app_name: str, namespace: str) -> LazyURLResolver:
    """`path(route, include((module, app_name), namespace))`, the module imported on first use."""
    return LazyURLResolver(RoutePattern(route, is_endpoint=False), module, app_name=app_name, namespace=namespace)
