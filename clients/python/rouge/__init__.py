"""Rouge's Python client (standard library only).

Example::

    import rouge
    client = rouge.Client("http://localhost:8080", api_key="rk_...", project="data-science")
    v = client.models.upload("ctr", "model.onnx", aliases=["champion"], metrics={"auc": 0.81})
    client.models.download("ctr@champion", "local.onnx")
"""

from ._version import __version__
from .client import Client
from .errors import ApiError, ChecksumError, RougeError

__all__ = ["Client", "ApiError", "ChecksumError", "RougeError", "__version__"]
