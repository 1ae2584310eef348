"""The model registry: models, numbered versions, aliases, artifacts."""

import hashlib
import json as _json
import os
import re
import secrets

from .errors import ApiError, ChecksumError

__all__ = ["ModelsApi", "parse_ref"]

CHUNK_BYTES = 1024 * 1024
#: Items asked for per page when listing; every page is fetched.
PAGE_SIZE = 1000


def parse_ref(ref):
    """Splits ``"ctr@3"``, ``"ctr@champion"`` or ``"ctr"`` into (model, version).

    A bare model name means its ``default`` alias.
    """
    name, sep, version = str(ref).partition("@")
    if not name or (sep and not version):
        raise ValueError("a model reference is NAME, NAME@VERSION or NAME@ALIAS, not {!r}".format(ref))
    return name, version or "default"


def _as_list(value):
    return [value] if isinstance(value, str) else list(value)


def _file_sha256(path):
    """The hex sha256 and size of a file, in one streaming pass."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _quoted_filename(path):
    """A file's base name, safe inside a quoted Content-Disposition parameter."""
    return re.sub(r'["\\\r\n]', "_", os.path.basename(path)) or "artifact"


class ModelsApi:
    """``client.models``: the registry of the client's project.

    Models and versions come back as the API's JSON objects (dicts). A version
    holds ``versionId`` (its number, as a string), ``versionAliases``,
    ``framework``, ``metrics``, ``labels``, ``description``, ``lineage``,
    ``signature`` (ONNX inputs and outputs), ``artifact`` (``uri``, ``sha256``,
    ``sizeBytes``) and ``versionCreateTime``.
    """

    def __init__(self, client):
        self._client = client

    def _path(self, *segments):
        return self._client._project_path("models", *segments)

    # -- models ----------------------------------------------------------------

    def create(self, name, display_name=None, description=None, labels=None):
        """Registers a model; ApiError 409 MODEL_ALREADY_EXISTS if it exists."""
        body = {"name": name}
        if display_name is not None:
            body["displayName"] = display_name
        if description is not None:
            body["description"] = description
        if labels is not None:
            body["labels"] = labels
        return self._client._request("POST", self._path(), json=body)

    def get(self, name):
        """The model ``name``; ApiError 404 MODEL_NOT_FOUND if there is none."""
        return self._client._request("GET", self._path(name))

    def list(self):
        """Every model of the project (all pages)."""
        return self._all(self._path(), "models")

    def delete(self, name):
        """Deletes a model with all its versions."""
        self._client._request("DELETE", self._path(name))

    def _all(self, path, key):
        items, token = [], None
        while True:
            page = self._client._request("GET", path, query={"pageSize": PAGE_SIZE, "pageToken": token})
            items.extend(page.get(key, []))
            token = page.get("nextPageToken")
            if not token:
                return items

    def _ensure(self, name):
        """Creates the model unless it exists (a concurrent create is fine)."""
        try:
            self.get(name)
            return
        except ApiError as e:
            if e.reason != "MODEL_NOT_FOUND":
                raise
        try:
            self.create(name)
        except ApiError as e:
            if e.reason != "MODEL_ALREADY_EXISTS":
                raise

    # -- versions --------------------------------------------------------------

    def versions(self, name):
        """Every version of a model, oldest first (all pages)."""
        return self._all(self._path(name, "versions"), "versions")

    def version(self, ref):
        """One version: ``"ctr@3"``, ``"ctr@champion"``, or ``"ctr"`` (its default)."""
        name, version = parse_ref(ref)
        return self._client._request("GET", self._path(name, "versions", version))

    def delete_version(self, ref):
        """Deletes a version (refused while it holds ``default`` or is deployed)."""
        name, version = parse_ref(ref)
        self._client._request("DELETE", self._path(name, "versions", version))

    def set_alias(self, name, version, alias):
        """Puts ``alias`` (or a list of aliases) on a version, moving it from
        any other version of the model. Returns the updated version."""
        return self._merge_aliases(name, version, _as_list(alias))

    def remove_alias(self, name, version, alias):
        """Takes ``alias`` (or a list of aliases) off a version. ``default``
        can only be moved, never removed. Returns the updated version."""
        return self._merge_aliases(name, version, ["-" + a for a in _as_list(alias)])

    def _merge_aliases(self, name, version, aliases):
        path = self._path(name, "versions", str(version)) + ":mergeVersionAliases"
        return self._client._request("POST", path, json={"versionAliases": aliases})

    # -- upload ----------------------------------------------------------------

    def upload(self, name, path, framework="onnx", aliases=None, metrics=None, labels=None,
               description=None, lineage=None, create_model=True, progress=None, sha256=True):
        """Uploads a file as a new version of model ``name`` and returns it.

        The file is streamed (never read whole into memory) as
        multipart/form-data: a ``metadata`` JSON part, then the ``artifact``
        part. The server checks the artifact (an ONNX file that does not load
        is refused with ApiError 400 ARTIFACT_INVALID) and reads its signature.

        Args:
            name: the model; created first if missing and ``create_model``.
            path: the artifact file.
            framework: ``"onnx"`` or another framework that takes an artifact.
            aliases: aliases to put on the new version (the first version of a
                model also gets ``default``).
            metrics: ``{"auc": 0.81}``; numbers only.
            labels: ``{"team": "recs"}``; lower-case keys and values.
            description: free text.
            lineage: ``{"pipelineRun": ..., "parentVersion": 2, ...}``.
            create_model: create the model when it does not exist.
            progress: called as ``progress(bytes_sent, total_bytes)`` after
                each chunk of the file (and once with 0 before the first).
            sha256: True to hash the file first (one extra read) so the server
                refuses a corrupted upload; a hex digest to use as is; False
                to skip.
        """
        if sha256 is True:
            sha256, size = _file_sha256(path)
        else:
            size = os.path.getsize(path)
        meta = self._metadata(framework, aliases, metrics, labels, description, lineage)
        if sha256:
            meta["sha256"] = sha256
        if create_model:
            self._ensure(name)

        boundary = "rouge-" + secrets.token_hex(16)
        head = self._field(boundary, meta) + (
            "--{}\r\n"
            'Content-Disposition: form-data; name="artifact"; filename="{}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".format(boundary, _quoted_filename(path))
        ).encode("utf-8")
        tail = "\r\n--{}--\r\n".format(boundary).encode("ascii")

        def chunks():
            sent = 0
            if progress:
                progress(0, size)
            yield head
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
                    sent += len(chunk)
                    if sent > size:
                        raise RuntimeError("{} grew while it was uploaded".format(path))
                    yield chunk
                    if progress:
                        progress(sent, size)
            if sent != size:
                raise RuntimeError("{} shrank while it was uploaded".format(path))
            yield tail

        return self._post_version(name, boundary, chunks(), len(head) + size + len(tail))

    def upload_http(self, name, spec, aliases=None, metrics=None, labels=None, description=None,
                    lineage=None, create_model=True):
        """Registers a custom model server (framework ``http``, no artifact) as
        a new version. ``spec`` is ``{"upstreams": [url, ...], "predictRoute":
        "/predict", "healthRoute": "/health", "timeoutMs": 10000}`` (only
        ``upstreams`` is required)."""
        meta = self._metadata("http", aliases, metrics, labels, description, lineage)
        meta["spec"] = spec
        if create_model:
            self._ensure(name)
        boundary = "rouge-" + secrets.token_hex(16)
        body = self._field(boundary, meta) + "--{}--\r\n".format(boundary).encode("ascii")
        return self._post_version(name, boundary, (body,), len(body))

    @staticmethod
    def _metadata(framework, aliases, metrics, labels, description, lineage):
        meta = {"framework": framework}
        for key, value in (("aliases", aliases), ("metrics", metrics), ("labels", labels),
                           ("description", description), ("lineage", lineage)):
            if value is not None:
                meta[key] = _as_list(value) if key == "aliases" else value
        return meta

    @staticmethod
    def _field(boundary, meta):
        """The ``metadata`` part, which must come first."""
        return (
            "--{}\r\n"
            'Content-Disposition: form-data; name="metadata"\r\n'
            "Content-Type: application/json\r\n\r\n"
            "{}\r\n".format(boundary, _json.dumps(meta))
        ).encode("utf-8")

    def _post_version(self, name, boundary, body, length):
        headers = {"Content-Type": "multipart/form-data; boundary=" + boundary}
        return self._client._request("POST", self._path(name, "versions"), headers=headers, body=body, content_length=length)

    # -- download --------------------------------------------------------------

    def download(self, ref, path, progress=None):
        """Downloads a version's artifact to ``path`` and returns that path.

        ``ref`` is ``"ctr@3"``, ``"ctr@champion"`` or ``"ctr"``. When ``path``
        is a directory the server's file name (``ctr-3.onnx``) is used in it.
        The bytes go to a temporary file next to the target and are checked
        against the sha256 the server sends (``X-Rouge-Sha256``); only a
        verified file is renamed into place, so ``path`` never holds a partial
        or corrupted artifact. A mismatch raises :class:`rouge.ChecksumError`.
        ``progress(bytes_received, total_bytes)`` is called after each chunk.
        """
        name, version = parse_ref(ref)
        response = self._client._request("GET", self._path(name, "versions", version, "artifact"), stream=True,
                                         headers={"Accept": "application/octet-stream"})
        with response:
            if os.path.isdir(path):
                match = re.search(r'filename="([^"/\\]+)"', response.getheader("Content-Disposition", ""))
                path = os.path.join(path, match.group(1) if match else "{}-{}".format(name, version))
            expected = (response.getheader("X-Rouge-Sha256") or "").lower()
            total = int(response.getheader("Content-Length") or 0)
            directory = os.path.dirname(os.path.abspath(path))
            # Created like any new file (mode 0o666 less the umask), unlike mkstemp's 0o600.
            tmp = os.path.join(directory, ".{}.{}.part".format(os.path.basename(path), secrets.token_hex(6)))
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            try:
                digest = hashlib.sha256()
                received = 0
                with os.fdopen(fd, "wb") as out:
                    for chunk in iter(lambda: response.read(CHUNK_BYTES), b""):
                        out.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
                        if progress:
                            progress(received, total)
                actual = digest.hexdigest()
                if not expected:
                    raise ChecksumError("the server sent no X-Rouge-Sha256 header for {}; nothing was saved".format(ref))
                if actual != expected:
                    raise ChecksumError("{} downloaded with sha256 {}, not the server's {} ({} bytes received); nothing was saved"
                                        .format(ref, actual, expected, received))
                os.replace(tmp, path)
            except BaseException:
                if os.path.exists(tmp):
                    os.remove(tmp)
                raise
        return path
