"""Private files (archived reports, later statements and payroll files): a storage with no URL.

Files that belong to one company never live under MEDIA_ROOT, which a web server may publish.
They go to `STORAGES["private"]`; models reach it through `private_storage`, a callable, so the
backend is chosen by settings (this local one, or an object-storage bucket with a private ACL)
and migrations never record it. Views stream them after checking role and company
(`portal.downloads.private_download`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty

PRIVATE_STORAGE_ALIAS = "private"


@deconstructible(path="portal.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """Local disk under `PRIVATE_MEDIA_ROOT`; it refuses to make a URL for any file."""

    def __init__(self, location: str | Path | None = None, **kwargs) -> None:
        kwargs.pop("base_url", None)  # a URL is exactly what this storage must not give
        super().__init__(location=location, **kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self) -> None:
        return None

    def url(self, name: str | None) -> str:
        # NotImplementedError is the storage API's "no URL here": Wagtail's document view and
        # others then stream the file instead of linking to it.
        raise NotImplementedError("A private file has no URL: a view checking access serves it.")

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class _PrivateStorage(LazyObject):
    """`STORAGES["private"]`, looked up when first used (and again after the setting changes).

    A FileField resolves a callable storage once, when the model is defined; this proxy lets the
    backend follow the settings (local disk, or a private bucket) all the same.
    """

    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private = _PrivateStorage()


def private_storage() -> Storage:
    """The storage of private files, as configured in `STORAGES["private"]`."""
    return _private


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


def is_within(path: str | Path, folder: str | Path) -> bool:
    """Whether `path` is `folder` or lies inside it (both resolved, symlinks followed)."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents
