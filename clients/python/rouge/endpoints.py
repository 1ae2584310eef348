"""Endpoints and online serving, and the long-running operations they start.

``client.endpoints`` deploys registry versions behind an endpoint with a
traffic split and calls them over both protocols Rouge serves: Vertex AI's
``:predict`` and the Open Inference Protocol v2 (KServe, Triton).
``client.operations`` polls the Operations that ``deploy`` and other slow
calls return.
"""

import json as _json
import time
from urllib.parse import quote

from .errors import ApiError, RougeError

__all__ = ["EndpointsApi", "OperationsApi", "OperationError", "OperationTimeout"]

#: Items asked for per page when listing; every page is fetched.
PAGE_SIZE = 1000
#: The first pause between two polls of an Operation, in seconds; it grows by
#: half each time up to POLL_MAX_SECONDS.
POLL_SECONDS = 0.25
POLL_MAX_SECONDS = 2.0
#: Consecutive failed polls (no answer, HTTP 429 or 5xx) tolerated while waiting.
MAX_POLL_FAILURES = 5

_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"

# google.rpc.Code: an Operation's error carries the numeric code; these are
# its canonical names and the HTTP status Google's APIs map each one to.
_CODES = {
    1: ("CANCELLED", 499), 2: ("UNKNOWN", 500), 3: ("INVALID_ARGUMENT", 400), 4: ("DEADLINE_EXCEEDED", 504),
    5: ("NOT_FOUND", 404), 6: ("ALREADY_EXISTS", 409), 7: ("PERMISSION_DENIED", 403), 8: ("RESOURCE_EXHAUSTED", 429),
    9: ("FAILED_PRECONDITION", 400), 10: ("ABORTED", 409), 11: ("OUT_OF_RANGE", 400), 12: ("UNIMPLEMENTED", 501),
    13: ("INTERNAL", 500), 14: ("UNAVAILABLE", 503), 15: ("DATA_LOSS", 500), 16: ("UNAUTHENTICATED", 401),
}


class OperationError(ApiError):
    """An Operation ended with an error (its state is DEAD or CANCELLED).

    It reads like the :class:`rouge.ApiError` the call would have raised had
    it been synchronous: ``status`` is the HTTP status of the Operation's
    google.rpc code (400 for FAILED_PRECONDITION), ``reason`` the stable
    reason (``"DEPLOY_FAILED"``), ``message`` the server's explanation and
    ``code`` the canonical name. ``operation`` holds the final Operation.
    """

    def __init__(self, operation):
        err = operation.get("error") or {}
        details = err.get("details") or []
        info = next((d for d in details if isinstance(d, dict) and d.get("@type") == _ERROR_INFO), {})
        code, status = _CODES.get(err.get("code"), ("UNKNOWN", 500))
        state = (operation.get("metadata") or {}).get("state")
        message = err.get("message") or "operation {} ended {}".format(operation.get("name"), state or "with an error")
        super().__init__(status, info.get("reason"), message, details, code=code, metadata=info.get("metadata"))
        self.operation = operation

    def __str__(self):
        return "operation {} failed: {}".format(self.operation.get("name"), super().__str__())


class OperationTimeout(RougeError, TimeoutError):
    """``wait`` gave up before the Operation ended; the work goes on.

    ``operation`` is the last state seen (None if no poll answered).
    """

    def __init__(self, name, timeout, operation):
        state = ((operation or {}).get("metadata") or {}).get("state", "unknown")
        super().__init__("operation {} is still {} after {} s; it goes on (wait again, or cancel it)".format(name, state, timeout))
        self.operation = operation


def _split(traffic):
    """``{"0": 100}`` or ``{0: 100}`` -> the API's ``{"0": 100}``."""
    if traffic is None:
        return None
    if not isinstance(traffic, dict):
        raise TypeError("traffic is a dict of deployed model id -> percent, such as {\"0\": 10, \"4821095730\": 90}")
    return {str(k): int(v) for k, v in traffic.items()}


def _batching(batching):
    if batching is None:
        return None
    names = {"max_batch_size": "maxBatchSize", "max_latency_ms": "maxLatencyMs"}
    return {names.get(k, k): v for k, v in batching.items()}


def _oip_error(status, body):
    """OIP answers errors as ``{"error": "<message>"}``: an ApiError with no reason."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    try:
        err = _json.loads(text).get("error")
    except (ValueError, AttributeError):
        err = None
    if isinstance(err, str):
        return ApiError(status, None, err)
    return ApiError.from_response(status, body)


class OperationsApi:
    """``client.operations``: long-running work (Vertex's ``google.longrunning.Operation``).

    An Operation is a dict with ``name`` (``projects/{p}/operations/{id}``),
    ``done``, ``metadata`` (``kind``, ``state``, ``attempts``, ``progress``...)
    and, once done, either ``response`` or ``error``.
    """

    def __init__(self, client):
        self._client = client

    def _path(self, name):
        if isinstance(name, dict):
            name = name["name"]
        name = str(name)
        if name.startswith("projects/"):
            parts = name.split("/")
            if len(parts) != 4 or parts[2] != "operations" or not parts[1] or not parts[3]:
                raise ValueError("an operation is projects/{{project}}/operations/{{id}} or just the id, not {!r}".format(name))
            return "/v1/" + name
        return self._client._project_path("operations", name)

    def get(self, name):
        """One Operation, by full name, by id (in the client's project), or the dict itself."""
        return self._client._request("GET", self._path(name))

    def cancel(self, name):
        """Asks an Operation to stop; returns it (``CANCELLED`` at once if still queued)."""
        return self._client._request("POST", self._path(name) + ":cancel")

    def wait(self, name, timeout=600, progress=None):
        """Polls until the Operation is done and returns it.

        Polls after 0.25 s, then ever less often, up to every 2 s. A few
        failed polls in a row (the server restarting) are retried.

        Args:
            name: the Operation, its full name or its id.
            timeout: seconds to wait (None: no limit); past it,
                :class:`OperationTimeout` is raised and the work goes on.
            progress: called with each Operation polled, e.g. to print
                ``op["metadata"]["state"]`` and ``op["metadata"].get("progress")``.

        Raises:
            OperationError: the Operation ended with an error.
            OperationTimeout: ``timeout`` passed first.
        """
        path = self._path(name)
        label = name["name"] if isinstance(name, dict) else str(name)
        deadline = None if timeout is None else time.monotonic() + timeout
        interval = POLL_SECONDS
        failures = 0
        op = None
        while True:
            try:
                op = self._client._request("GET", path)
                failures = 0
            except ApiError as e:
                if e.status != 429 and e.status < 500:
                    raise
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
            except OSError:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
            else:
                if progress:
                    progress(op)
                if op.get("done"):
                    if op.get("error"):
                        raise OperationError(op)
                    return op
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise OperationTimeout(label, timeout, op)
            time.sleep(interval if left is None else min(interval, left))
            interval = min(POLL_MAX_SECONDS, interval * 1.5)


class EndpointsApi:
    """``client.endpoints``: the endpoints of the client's project.

    An endpoint is a dict with ``endpointId``, ``displayName``, ``labels``,
    ``deployedModels`` (each with ``id``, ``model``, ``modelVersionId``,
    ``displayName``, ``state``, ``batching``), ``trafficSplit`` (deployed
    model id -> percent), ``requestLogging`` and its times.

    A traffic split is a dict of deployed model id -> percent that adds up to
    100 (or is empty); in ``deploy``, ``"0"`` stands for the model being
    deployed. Keys may be given as ints or strings.
    """

    def __init__(self, client):
        self._client = client

    def _path(self, *segments):
        return self._client._project_path("endpoints", *segments)

    # -- management ------------------------------------------------------------

    def create(self, name, display_name=None, request_logging=None, labels=None):
        """Creates an endpoint with no models; ApiError 409 ENDPOINT_ALREADY_EXISTS if it exists.

        ``request_logging`` is a sampling rate from 0 to 1 (or Vertex's
        ``{"samplingRate": 0.1}``): that share of requests and responses is
        logged to the blob store.
        """
        body = {"name": name}
        if display_name is not None:
            body["displayName"] = display_name
        if labels is not None:
            body["labels"] = labels
        if request_logging is not None:
            body["requestLogging"] = request_logging if isinstance(request_logging, dict) else {"samplingRate": request_logging}
        return self._client._request("POST", self._path(), json=body)

    def get(self, name):
        """The endpoint ``name``; ApiError 404 ENDPOINT_NOT_FOUND if there is none."""
        return self._client._request("GET", self._path(name))

    def list(self):
        """Every endpoint of the project (all pages)."""
        items, token = [], None
        while True:
            page = self._client._request("GET", self._path(), query={"pageSize": PAGE_SIZE, "pageToken": token})
            items.extend(page.get("endpoints", []))
            token = page.get("nextPageToken")
            if not token:
                return items

    def delete(self, name):
        """Deletes an endpoint; refused (ENDPOINT_NOT_EMPTY) while models are deployed on it."""
        self._client._request("DELETE", self._path(name))

    def deploy(self, endpoint, model, traffic=None, batching=None, display_name=None, wait=True, timeout=600, progress=None):
        """Deploys a model version on the endpoint (POST ``:deployModel``).

        The server loads and warms the model in the background (an
        Operation); traffic moves to it only once it is ready, so callers
        never see an error during a rollout.

        Args:
            endpoint: the endpoint's name.
            model: ``"ctr"`` (its default version), ``"ctr@4"`` or
                ``"ctr@champion"``; an alias is resolved now, and the deployed
                model keeps that version even if the alias moves later.
            traffic: the new split, ``"0"`` being this model:
                ``{"0": 100}`` to send it everything, ``{"0": 10, old_id: 90}``
                for a canary. None or ``{}`` leaves the split as it is.
            batching: ``{"maxBatchSize": 32, "maxLatencyMs": 5}`` (or
                ``max_batch_size``/``max_latency_ms``) to merge concurrent
                requests into one model call.
            display_name: defaults to ``ctr@4``.
            wait: wait until the model is ready (the default) or return the
                Operation at once.
            timeout: seconds to wait, when waiting.
            progress: passed to :meth:`OperationsApi.wait`.

        Returns:
            With ``wait``: the deployed model (``id``, ``model``,
            ``modelVersionId``, ``state`` "READY"...), whose ``id`` is its key
            in traffic splits. Without: the Operation.

        Raises:
            OperationError: the model could not be loaded (reason
                ``DEPLOY_FAILED``; the traffic is unchanged).
            OperationTimeout: ``timeout`` passed first.
        """
        deployed = {"model": model}
        if display_name is not None:
            deployed["displayName"] = display_name
        if batching is not None:
            deployed["batching"] = _batching(batching)
        body = {"deployedModel": deployed}
        if traffic is not None:
            body["trafficSplit"] = _split(traffic)
        op = self._client._request("POST", self._path(endpoint) + ":deployModel", json=body)
        if not wait:
            return op
        return self._client.operations.wait(op, timeout=timeout, progress=progress)["response"]

    def undeploy(self, endpoint, deployed_model_id, traffic=None):
        """Removes a deployed model (POST ``:undeployModel``) and returns the endpoint.

        Without ``traffic`` the model may go only if it had no traffic, or
        all of it (the endpoint is then left with none); otherwise pass the
        split to use without it.
        """
        body = {"deployedModelId": str(deployed_model_id)}
        if traffic is not None:
            body["trafficSplit"] = _split(traffic)
        return self._client._request("POST", self._path(endpoint) + ":undeployModel", json=body)

    def split(self, endpoint, traffic):
        """Sets the traffic split (PATCH ``?updateMask=trafficSplit``) and
        returns the endpoint: promote a canary with ``{new_id: 100}``, roll
        back with ``{old_id: 100}``."""
        return self._client._request("PATCH", self._path(endpoint), json={"trafficSplit": _split(traffic)},
                                     query={"updateMask": "trafficSplit"})

    # -- prediction --------------------------------------------------------------

    def predict(self, endpoint, instances, parameters=None, routing_key=None):
        """Vertex AI online prediction (POST ``:predict``).

        ``instances`` is a list: one list of features per row, or one dict
        keyed by the model's input names. Returns the whole response:
        ``{"predictions": [...], "deployedModelId", "model",
        "modelVersionId", "modelDisplayName"}``. ``routing_key`` (sent as
        ``X-Rouge-Routing-Key``) keeps one caller on one side of a split.
        """
        body = {"instances": list(instances)}
        if parameters is not None:
            body["parameters"] = parameters
        headers = {"X-Rouge-Routing-Key": str(routing_key)} if routing_key is not None else None
        return self._client._request("POST", self._path(endpoint) + ":predict", json=body, headers=headers)

    def infer(self, endpoint, inputs, outputs=None, id=None, parameters=None, deployed_model_id=None, routing_key=None):
        """Open Inference Protocol v2 (POST ``/v2/models/{project}.{endpoint}/infer``).

        ``inputs`` are OIP tensors: ``{"name": "X", "shape": [1, 4],
        "datatype": "FP32", "data": [0.1, 0.2, 0.3, 0.4]}``. ``outputs``
        names the outputs wanted (strings or ``{"name": ...}``); all by
        default. ``deployed_model_id`` calls one deployed model
        (``/versions/{id}/infer``) instead of following the split. Returns
        the whole response: ``{"model_name", "model_version", "outputs":
        [{"name", "shape", "datatype", "data"}], "id"?}``.

        OIP errors carry only a message, so the ApiError raised has the HTTP
        status and ``reason`` None.
        """
        body = {"inputs": list(inputs)}
        if outputs is not None:
            body["outputs"] = [o if isinstance(o, dict) else {"name": o} for o in outputs]
        if id is not None:
            body["id"] = id
        if parameters is not None:
            body["parameters"] = parameters
        path = self._oip_path(endpoint, deployed_model_id) + "/infer"
        headers = {"X-Rouge-Routing-Key": str(routing_key)} if routing_key is not None else None
        return self._client._request("POST", path, json=body, headers=headers, error_decoder=_oip_error)

    def _oip_path(self, endpoint, deployed_model_id=None):
        if not self._client.project:
            raise ValueError("no project: pass project= to Client or set ROUGE_PROJECT")
        path = "/v2/models/" + quote("{}.{}".format(self._client.project, endpoint), safe="")
        if deployed_model_id is not None:
            path += "/versions/" + quote(str(deployed_model_id), safe="")
        return path
