"""Object storage (S3 API: AWS, Scaleway, OVH, MinIO…) through django-storages, when configured.

Both buckets are private: no object is ever public. Public media (Wagtail images) get signed
URLs that expire (`S3_MEDIA_URL_EXPIRE`); Wagtail documents are streamed by Wagtail's document
view after its privacy check. Private files (reports, statements, receipts, payroll files) have
no URL at all (`url()` refuses, as on local disk): the view that checked the role and the company
streams them, or redirects to a signed URL valid for `S3_PRIVATE_URL_EXPIRE` seconds that forces
the download (`signed_download_url`), when `CORDEE_PRIVATE_DOWNLOADS=redirect`.
"""

from __future__ import annotations

from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage


@deconstructible(path="portal.object_storage.PrivateS3Storage")
class PrivateS3Storage(S3Storage):
    default_acl = None
    querystring_auth = True
    file_overwrite = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("A private file has no URL: a view checking access serves it.")

    def signed_download_url(self, name: str, *, filename: str, content_type: str) -> str:
        """A short-lived GET URL that makes the browser save the file under `filename`."""
        from django.utils.http import content_disposition_header

        return super().url(
            name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=self.querystring_expire,
        )
