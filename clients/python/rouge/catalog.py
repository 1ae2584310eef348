"""The product catalogue and shoppers' events.

``client.catalog`` reads and writes items, imports whole catalogues (JSONL or
CSV files, streamed), lists the category tree and runs the query-to-category
search. ``client.events`` writes batches of user events, imports history and
exports the stored events as JSONL.
"""

import datetime as _dt
import json as _json
import os

__all__ = ["CatalogApi", "EventsApi", "EventStream", "content_type_of"]

#: Bytes read from a file per chunk while it is sent.
CHUNK_BYTES = 1024 * 1024
#: Items asked for per page when listing; every page is fetched.
PAGE_SIZE = 1000
#: The most events ``userEvents:write`` takes in one batch.
MAX_BATCH = 1000

_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def content_type_of(path, format=None, allowed=("jsonl", "csv")):
    """The Content-Type to import ``path`` with: from ``format`` ("jsonl" or
    "csv") or else the file's extension (.jsonl, .ndjson, .csv)."""
    if format is None:
        format = _EXTENSIONS.get(os.path.splitext(str(path))[1].lower())
        if format is None or format not in allowed:
            raise ValueError("cannot tell the format of {!r} from its name: name it {} or pass format=".format(
                str(path), " or ".join(e for e, f in _EXTENSIONS.items() if f in allowed)))
    if format not in allowed:
        raise ValueError("format must be one of {}, not {!r}".format(", ".join(allowed), format))
    return _TYPES[format]


def _file_chunks(path, size):
    """Yields a file's bytes chunk by chunk; exactly ``size`` bytes or an error."""
    read = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_BYTES), b""):
            read += len(chunk)
            if read > size:
                break
            yield chunk
    if read != size:
        raise IOError("{} changed while it was being sent ({} bytes expected)".format(path, size))


def _since(since):
    """An RFC 3339 string from a str, a datetime (naive means UTC) or a timedelta back from now."""
    if since is None or isinstance(since, str):
        return since
    if isinstance(since, _dt.timedelta):
        since = _dt.datetime.now(_dt.timezone.utc) - since
    if isinstance(since, _dt.datetime):
        if since.tzinfo is None:
            since = since.replace(tzinfo=_dt.timezone.utc)
        return since.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError("since is an RFC 3339 string, a datetime or a timedelta, not {!r}".format(since))


class EventStream:
    """The events of an export, one dict per JSONL line, read as they arrive.

    Iterate it; the connection closes at the end, or on ``close()``, or when
    used as a context manager (``with client.events.export() as events:``).
    """

    def __init__(self, response):
        self._response = response

    def __iter__(self):
        return self

    def __next__(self):
        while not self._response.closed:
            line = self._response.readline()
            if not line:
                self.close()
                break
            if line.strip():
                return _json.loads(line.decode("utf-8"))
        raise StopIteration

    def close(self):
        self._response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _import(client, path, route, format, allowed, wait, timeout, progress, idempotency_key):
    content_type = content_type_of(path, format, allowed)
    size = os.stat(path).st_size
    headers = {"Content-Type": content_type}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = str(idempotency_key)
    op = client._request("POST", route, headers=headers, body=_file_chunks(path, size), content_length=size)
    if not wait:
        return op
    return client.operations.wait(op, timeout=timeout, progress=progress)["response"]


class CatalogApi:
    """``client.catalog``: the items of the client's project.

    An item is a dict: ``id``, ``title``, ``description``, ``brand``,
    ``categoryPath`` (a list, top category first), ``price``
    (``{"amount": 1999, "currency": "EUR"}``, the amount in minor units),
    ``availability`` (in_stock, out_of_stock, preorder, discontinued),
    ``link``, ``imageLink``, ``condition``, ``gtin``, ``attributes``; the
    server adds ``name``, ``createTime`` and ``updateTime``.
    """

    def __init__(self, client):
        self._client = client

    def _path(self, *segments):
        return self._client._project_path("catalog", "items", *segments)

    def put(self, item, id=None):
        """Creates or replaces an item (fields left out return to their
        defaults) and returns it. ``id`` defaults to ``item["id"]``."""
        id = id if id is not None else item.get("id")
        if not id:
            raise ValueError("the item has no \"id\": set one, or pass id=")
        return self._client._request("PUT", self._path(id), json=item)

    def get(self, id):
        """The item ``id``; ApiError 404 if there is none."""
        return self._client._request("GET", self._path(id))

    def patch(self, id, fields=None, price=None, availability=None):
        """Changes an item's ``price`` and/or ``availability`` and returns it:
        ``patch("SKU-1", availability="out_of_stock")`` or
        ``patch("SKU-1", {"price": {"amount": 1499, "currency": "EUR"}})``."""
        body = dict(fields or {})
        if price is not None:
            body["price"] = price
        if availability is not None:
            body["availability"] = availability
        return self._client._request("PATCH", self._path(id), json=body)

    def delete(self, id):
        """Deletes the item ``id``."""
        self._client._request("DELETE", self._path(id))

    def list(self, filter=None):
        """Every item in id order (all pages); ``filter`` is ``field = "value"``
        terms joined by AND, e.g. ``'category = "Makeup > Lips" AND availability = "in_stock"'``."""
        items, token = [], None
        while True:
            page = self._client._request("GET", self._path(), query={"pageSize": PAGE_SIZE, "pageToken": token, "filter": filter})
            items.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return items

    def categories(self):
        """The category tree: ``{"categories": [{"name", "path", "itemCount",
        "children": [...]}], "totalItems"}``; a parent counts its descendants' items."""
        return self._client._request("GET", self._client._project_path("catalog", "categories"))

    def search(self, query, page_size=None, page_token=None, filter=None):
        """The categories a shopper's query means, and the items inside them.

        Returns ``{"categories": [{"path", "score", "matchedItems"}], "items":
        [...], "totalSize", "matched", "message"?, "nextPageToken"?}``. A query
        that matches nothing returns ``matched`` False, no categories, no
        items and a ``message`` saying so. ``filter`` keeps the matched items
        that pass it, in the platform's syntax (docs/filters.md), e.g.
        ``'availability = "in_stock" AND price.amount < 50000'``.
        """
        path = self._client._project_path("catalog") + ":search"
        return self._client._request("GET", path, query={"query": query, "pageSize": page_size, "pageToken": page_token, "filter": filter})

    def get_synonyms(self):
        """The synonym groups search treats as one, e.g. ``[["lipstick", "lip colour"]]``."""
        return self._client._request("GET", self._client._project_path("catalog") + "/synonyms")["synonyms"]

    def set_synonyms(self, groups):
        """Replaces the synonym groups (a list of lists of phrases); returns them as stored."""
        body = {"synonyms": [list(g) for g in groups]}
        return self._client._request("PUT", self._client._project_path("catalog") + "/synonyms", json=body)["synonyms"]

    def import_file(self, path, wait=True, progress=None, format=None, timeout=600, idempotency_key=None):
        """Imports items from a JSONL (.jsonl, .ndjson) or CSV (.csv) file.

        The file is streamed, never read into memory. A bad line never stops
        the rest.

        Args:
            path: the file.
            wait: wait for the import's Operation (the default), or return it at once.
            progress: called with the Operation at each poll while waiting
                (``op["metadata"].get("progress")`` counts the lines done).
            format: "jsonl" or "csv" when the extension does not say.
            timeout: seconds to wait.
            idempotency_key: makes a retried upload return the same Operation.

        Returns:
            With ``wait``, the Operation's response: ``{"inserted", "updated",
            "rejected", "rejections": [{"line", "reason", "field"?, "message"}]}``.
            Without, the Operation.
        """
        route = self._path() + ":import"
        return _import(self._client, path, route, format, ("jsonl", "csv"), wait, timeout, progress, idempotency_key)


class EventsApi:
    """``client.events``: what shoppers do (``userEvents``).

    An event is a dict ``{"eventId", "type", "userId"?, "sessionId"?,
    "itemIds"?, "query"?, "eventTime", "variant"?, "recommendationId"?,
    "resolvedBidId"?, "value"?}``; ``type`` is view, add_to_cart, purchase,
    search, impression or click; ``eventTime`` an RFC 3339 string.
    """

    def __init__(self, client):
        self._client = client

    def write(self, events):
        """Writes one batch of 1 to 1,000 events, all or nothing, and returns
        ``{"written", "duplicates"}``. Resending is safe: events are stored
        once per ``eventId``. A batch with a bad event raises ApiError 400
        ``USER_EVENTS_INVALID`` whose ``details`` list every bad event, and
        writes nothing."""
        events = list(events)
        if len(events) > MAX_BATCH:
            raise ValueError("{} events: a batch holds at most {} (split it, or use import_file)".format(len(events), MAX_BATCH))
        return self._client._request("POST", self._client._project_path("userEvents") + ":write", json={"events": events})

    def import_file(self, path, wait=True, progress=None, timeout=600, idempotency_key=None, format=None):
        """Imports event history from a JSONL file (.jsonl or .ndjson, or any
        name with ``format="jsonl"``; one event per line), streamed.

        Returns, with ``wait``, the Operation's response: ``{"written",
        "duplicates", "rejected", "rejections": [...]}``; without, the Operation.
        """
        route = self._client._project_path("userEvents") + ":import"
        return _import(self._client, path, route, format, ("jsonl",), wait, timeout, progress, idempotency_key)

    def export(self, since=None, path=None):
        """The stored events, oldest ``eventTime`` first, streamed.

        ``since`` (an RFC 3339 string, a datetime, or a timedelta back from
        now) keeps the events at or after it. Without ``path``, returns an
        :class:`EventStream` of event dicts (read it to the end, or close it,
        to free the connection). With ``path``, writes the JSONL there (into a temporary
        file renamed into place once complete) and returns the number of events.
        """
        route = self._client._project_path("userEvents") + ":export"
        # Sent now, so a refusal (403, a bad since) raises here rather than at the first event.
        response = self._client._request("GET", route, query={"since": _since(since)}, stream=True,
                                         headers={"Accept": "application/x-ndjson"})
        if path is None:
            return EventStream(response)
        temp = "{}.{}.part".format(path, os.getpid())
        count = 0
        try:
            with response, open(temp, "wb") as out:
                for line in response:
                    if line.strip():
                        out.write(line if line.endswith(b"\n") else line + b"\n")
                        count += 1
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.remove(temp)
            raise
        return count
