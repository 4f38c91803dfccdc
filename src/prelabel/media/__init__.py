"""Point tasks at your media: URLs Label Studio serves, ``data:`` URIs, image sizes.

A task's ``image`` (``audio``, ``video``, ...) is loaded by the annotator's browser, so it must
be a URL the browser can fetch: ``https://...``, a file uploaded to Label Studio
(``/data/upload/...``), a file Label Studio serves from its own disk
(:func:`local_files_url`), a cloud-storage URI the project has a storage for
(``s3://``, ``gs://``, ``azure-blob://``), or the media itself (:func:`data_url`). A path on
your disk is none of these. ``docs/media.md`` walks through each, with the settings.

* :func:`local_files_url`: ``/data/local-files/?d=...`` for a file under the server's
  document root;
* :func:`data_url`: a file, bytes or numpy image as a ``data:`` URI the editor loads;
* :func:`image_size`: ``(width, height)`` of an image file from its header, without decoding
  it (what ``image_wh`` / ``original_width``/``original_height`` need).

>>> from prelabel.media import local_files_url
>>> local_files_url("/srv/media/a.png", root="/srv")
'/data/local-files/?d=media/a.png'
"""

from ._dataurl import data_url
from ._imagesize import image_size
from ._local import local_files_url

__all__ = ["data_url", "image_size", "local_files_url"]
