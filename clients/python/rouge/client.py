"""The HTTP client: configuration, authentication, and error decoding."""

import http.client
import json as _json
import os
import platform
import ssl
from urllib.parse import quote, urlencode, urlsplit

from ._version import __version__
from .errors import ApiError

__all__ = ["Client"]

_USER_AGENT = "rouge-python/{} Python/{}".format(__version__, platform.python_version())


class Client:
    """A connection to a Rouge server.

    Args:
        base_url: the server's URL, e.g. ``"http://localhost:8080"`` (a path
            prefix such as ``https://example.com/rouge`` is kept). Defaults to
            the ``ROUGE_URL`` environment variable.
        api_key: the API key sent as ``Authorization: Bearer <key>``. Defaults
            to ``ROUGE_API_KEY``.
        project: the project that ``models`` and later APIs work in. Defaults
            to ``ROUGE_PROJECT``.
        timeout: seconds to wait on any one socket operation.
        ssl_context: an ``ssl.SSLContext`` for https (a default, verifying one
            otherwise).

    Example::

        client = rouge.Client("http://localhost:8080", api_key=key, project="data-science")
        client.models.versions("ctr")
    """

    def __init__(self, base_url=None, api_key=None, project=None, timeout=60, ssl_context=None):
        base_url = base_url or os.environ.get("ROUGE_URL")
        if not base_url:
            raise ValueError("no server URL: pass base_url or set ROUGE_URL")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an http:// or https:// URL, not {!r}".format(base_url))
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("ROUGE_API_KEY") or None
        self.project = project if project is not None else os.environ.get("ROUGE_PROJECT") or None
        self.timeout = timeout
        self._https = parts.scheme == "https"
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._ssl_context = ssl_context

        from .endpoints import EndpointsApi, OperationsApi  # late imports, as the API modules may import this one
        from .models import ModelsApi

        #: The model registry (:class:`rouge.models.ModelsApi`).
        self.models = ModelsApi(self)
        #: Endpoints and online prediction (:class:`rouge.endpoints.EndpointsApi`).
        self.endpoints = EndpointsApi(self)
        #: Long-running operations (:class:`rouge.endpoints.OperationsApi`).
        self.operations = OperationsApi(self)

        from .catalog import CatalogApi, EventsApi

        #: The product catalogue and its search (:class:`rouge.catalog.CatalogApi`).
        self.catalog = CatalogApi(self)
        #: Shoppers' events (:class:`rouge.catalog.EventsApi`).
        self.events = EventsApi(self)

        from .recommenders import RecommendersApi, RecsApi

        #: Recommenders: placements, experiments (:class:`rouge.recommenders.RecommendersApi`).
        self.recommenders = RecommendersApi(self)
        #: Recommendation models trained from events (:class:`rouge.recommenders.RecsApi`).
        self.recs = RecsApi(self)

        from .pipelines import PipelinesApi

        #: Pipelines and their runs (:class:`rouge.pipelines.PipelinesApi`).
        self.pipelines = PipelinesApi(self)

        from .iam import BindingsApi, ProjectsApi, ServiceAccountsApi

        #: Projects (:class:`rouge.iam.ProjectsApi`).
        self.projects = ProjectsApi(self)
        #: Service accounts of the project and their keys (:class:`rouge.iam.ServiceAccountsApi`).
        self.service_accounts = ServiceAccountsApi(self)
        #: Role bindings of the project (:class:`rouge.iam.BindingsApi`).
        self.bindings = BindingsApi(self)

    def __repr__(self):
        return "Client({!r}, project={!r})".format(self.base_url, self.project)

    # -- paths -----------------------------------------------------------------

    def _project_path(self, *segments):
        """``/v1/projects/{project}/seg/seg...``, each segment percent-encoded."""
        if not self.project:
            raise ValueError("no project: pass project= to Client or set ROUGE_PROJECT")
        return "/v1/projects/" + "/".join(quote(str(s), safe="") for s in (self.project,) + segments)

    # -- HTTP ------------------------------------------------------------------

    def _connect(self):
        if self._https:
            return http.client.HTTPSConnection(self._netloc, timeout=self.timeout, context=self._ssl_context or ssl.create_default_context())
        return http.client.HTTPConnection(self._netloc, timeout=self.timeout)

    def _send(self, method, path, headers=None, body=(), query=None):
        """Sends a request and returns the open ``HTTPResponse`` (any status).

        ``body`` is an iterable of byte chunks, written one by one, so a large
        upload never sits in memory; the caller sets Content-Length. Each
        request uses its own connection, handed to the response
        (``Connection: close``), so closing the response frees the socket.
        """
        url = self._prefix + path
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        all_headers = {"User-Agent": _USER_AGENT, "Accept": "application/json", "Connection": "close"}
        if self.api_key:
            all_headers["Authorization"] = "Bearer " + self.api_key
        all_headers.update(headers or {})
        conn = self._connect()
        try:
            conn.putrequest(method, url, skip_accept_encoding=True)
            for name, value in all_headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            try:
                for chunk in body:
                    conn.send(chunk)
            except (BrokenPipeError, ConnectionResetError) as sent_error:
                # The server may refuse an upload before reading all of it
                # (too large, no such model); its answer says why.
                try:
                    response = conn.getresponse()
                except (OSError, http.client.HTTPException):
                    raise sent_error
                if response.status < 400:
                    response.close()
                    raise sent_error
                return response
            return conn.getresponse()
        except BaseException:
            conn.close()
            raise

    def _request(self, method, path, json=None, headers=None, stream=False, query=None, body=None, content_length=None,
                 error_decoder=None):
        """Sends one request and decodes the answer.

        Returns the decoded JSON body (``{}`` when empty) or, with
        ``stream=True``, the open ``http.client.HTTPResponse`` for the caller
        to read and close. ``body``/``content_length`` send a pre-framed
        streaming body instead of ``json``. Any status of 400 or more raises
        :class:`rouge.ApiError`, built by ``error_decoder(status, body)`` when
        given (a protocol whose errors are not in Google's model).
        """
        headers = dict(headers or {})
        if json is not None:
            data = _json.dumps(json).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
            headers["Content-Length"] = str(len(data))
            body = (data,)
        elif body is not None:
            headers["Content-Length"] = str(content_length)
        elif method in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = "0"
        response = self._send(method, path, headers, body or (), query)
        if response.status >= 400:
            try:
                raise (error_decoder or ApiError.from_response)(response.status, response.read())
            finally:
                response.close()
        if stream:
            return response
        try:
            data = response.read()
        finally:
            response.close()
        return _json.loads(data.decode("utf-8")) if data.strip() else {}
