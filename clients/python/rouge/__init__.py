"""Rouge's Python client (standard library only).

Example::

    import rouge
    client = rouge.Client("http://localhost:8080", api_key="rk_...", project="data-science")
    v = client.models.upload("ctr", "model.onnx", aliases=["champion"], metrics={"auc": 0.81})
    client.models.download("ctr@champion", "local.onnx")

    client.endpoints.create("ctr-prod")
    client.endpoints.deploy("ctr-prod", model="ctr@champion", traffic={"0": 100})
    client.endpoints.predict("ctr-prod", instances=[[0.1, 0.2, 0.3, 0.4]])

    client.catalog.import_file("products.jsonl")   # or .csv; waits, returns the report
    client.catalog.search("lipstik")
    client.events.write([{"eventId": "e-1", "type": "view", "sessionId": "s-1", "itemIds": ["SKU-1"], "eventTime": "2026-11-27T10:00:00Z"}])
"""

from ._version import __version__
from .client import Client
from .endpoints import OperationError, OperationTimeout
from .errors import ApiError, ChecksumError, RougeError

__all__ = ["Client", "ApiError", "ChecksumError", "OperationError", "OperationTimeout", "RougeError", "__version__"]
