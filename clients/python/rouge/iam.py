"""Projects, service accounts, API keys and role bindings (docs/iam.md).

These need admin rights: ``orgAdmin`` for projects and users, a project
``admin`` for its service accounts, keys and bindings.
"""

from urllib.parse import quote

PAGE_SIZE = 1000


def _seg(value):
    return quote(str(value), safe="")


def _all(client, path, key, query=None):
    items, token = [], None
    while True:
        page = client._request("GET", path, query=dict(query or {}, pageSize=PAGE_SIZE, pageToken=token))
        items.extend(page.get(key, []))
        token = page.get("nextPageToken")
        if not token:
            return items


class ProjectsApi:
    """Projects: the isolation unit every resource lives in."""

    def __init__(self, client):
        self._client = client

    def create(self, name, display_name=None, time_zone=None):
        """Creates a project (``orgAdmin``); ``time_zone`` is an IANA name such as ``Asia/Kolkata``."""
        body = {"name": name}
        if display_name is not None:
            body["displayName"] = display_name
        if time_zone is not None:
            body["timeZone"] = time_zone
        return self._client._request("POST", "/v1/projects", json=body)

    def get(self, name):
        return self._client._request("GET", "/v1/projects/" + _seg(name))

    def list(self):
        """The projects the caller holds a binding in (all of them for an ``orgAdmin``)."""
        return _all(self._client, "/v1/projects", "projects")

    def delete(self, name):
        """Deletes an empty project; one that still holds resources is refused, naming them."""
        self._client._request("DELETE", "/v1/projects/" + _seg(name))


class ServiceAccountsApi:
    """Service accounts of the client's project, and their API keys."""

    def __init__(self, client):
        self._client = client

    def _path(self, *segments):
        return self._client._project_path("serviceAccounts", *segments)

    def create(self, name, display_name=None, description=None):
        body = {"name": name}
        if display_name is not None:
            body["displayName"] = display_name
        if description is not None:
            body["description"] = description
        return self._client._request("POST", self._path(), json=body)

    def get(self, name):
        return self._client._request("GET", self._path(name))

    def list(self):
        return _all(self._client, self._path(), "serviceAccounts")

    def delete(self, name):
        """Deletes the service account; its keys stop working at once."""
        self._client._request("DELETE", self._path(name))

    def create_key(self, name, ttl_seconds=None, display_name=None):
        """A new key for the service account: ``{"key", "keyId", "expireTime", "principal"}``.

        ``key`` is shown only in this answer: store it now. Key creation takes no
        Idempotency-Key (a replay could not return the secret).
        """
        body = {}
        if ttl_seconds is not None:
            body["ttl"] = "{}s".format(int(ttl_seconds))
        if display_name is not None:
            body["displayName"] = display_name
        return self._client._request("POST", self._path(name, "keys"), json=body)

    def list_keys(self, name):
        """The service account's keys (never their secrets), with state and last use."""
        return self._client._request("GET", self._path(name, "keys"))["keys"]

    def revoke_key(self, name, key_id, delay_seconds=None):
        """Revokes a key now, or after ``delay_seconds`` so old and new keys overlap during a rotation.

        Revocation is final: a later call can bring it forward, never take it back.
        """
        query = {"delay": "{}s".format(int(delay_seconds))} if delay_seconds else None
        return self._client._request("DELETE", self._path(name, "keys", key_id), query=query)


class BindingsApi:
    """Role bindings of the client's project: who holds which role, on the project or one resource."""

    def __init__(self, client):
        self._client = client

    def add(self, principal, role, resource=None):
        """Grants ``role`` to ``principal`` (``user:alice``, ``serviceAccount:web@storefront``).

        ``resource`` narrows it to one resource, such as ``endpoints/ctr-prod``.
        """
        body = {"principal": principal, "role": role}
        if resource is not None:
            body["resource"] = resource
        return self._client._request("POST", self._client._project_path("bindings"), json=body)

    def list(self, principal=None, role=None):
        return _all(self._client, self._client._project_path("bindings"), "bindings", {"principal": principal, "role": role})

    def remove(self, principal, role, resource=None):
        """Removes a binding; the project's last admin binding is refused."""
        query = {"principal": principal, "role": role, "resource": resource}
        self._client._request("DELETE", self._client._project_path("bindings"), query=query)
