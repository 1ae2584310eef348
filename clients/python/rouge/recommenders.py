"""Recommendations: recommenders (placements) and the models behind them.

``client.recommenders`` creates, reads, changes and deletes recommenders,
asks one for items as the storefront does, and reads an experiment's report.
``client.recs`` trains a recommendation model from the project's events.
"""

__all__ = ["RecommendersApi", "RecsApi"]

#: Recommenders asked for per page when listing; every page is fetched.
PAGE_SIZE = 100


def _drop_none(d):
    return {k: v for k, v in d.items() if v is not None}


class RecommendersApi:
    """``client.recommenders``: the project's recommenders.

    A recommender is a dict: ``name``, ``recommenderId``, ``kind`` (search,
    similar, for-you, trending, popular, bought-together), ``model``
    (``recs@champion``), ``rules``, ``fields``, and optionally ``rerank``
    (``{"endpoint", "topK", "budgetMs"}``) and ``experiment``
    (``{"unit", "variants": [{"name", "weight", "model"?, "rerank"?}]}``).
    """

    def __init__(self, client):
        self._client = client

    def _path(self, *segments):
        return self._client._project_path("recommenders", *segments)

    def create(self, name, kind, model=None, rules=None, fields=None, rerank=None, experiment=None, display_name=None):
        """Creates a recommender and returns it.

        Args:
            name: lower-case letters, digits and hyphens.
            kind: search, similar, for-you, trending, popular or bought-together.
            model: the rouge-recs model and alias it follows (default ``recs@champion``).
            rules: ``{"excludeItemIds", "excludePurchased", "maxPerBrand", "filter", "boosts"}``.
            fields: item fields returned by default (title, price, imageLink, categoryPath, brand, link).
            rerank: ``{"endpoint": "ranker", "topK": 50, "budgetMs": 20}``: re-rank with a deployed model.
            experiment: an A/B test between variants whose weights add up to 100.

        Raises:
            ApiError: 400 ``RERANK_SIGNATURE_MISMATCH`` (the endpoint's model takes other
                inputs), ``EXPERIMENT_SPLIT_INVALID``, ``MODEL_NOT_RECS``; 409 when the name is taken.
        """
        body = _drop_none({"name": name, "kind": kind, "model": model, "rules": rules, "fields": fields,
                           "rerank": rerank, "experiment": experiment, "displayName": display_name})
        return self._client._request("POST", self._path(), json=body)

    def get(self, name):
        """One recommender."""
        return self._client._request("GET", self._path(name))

    def list(self):
        """Every recommender of the project (all pages)."""
        out, token = [], None
        while True:
            page = self._client._request("GET", self._path(), query=_drop_none({"pageSize": PAGE_SIZE, "pageToken": token}))
            out.extend(page.get("recommenders", []))
            token = page.get("nextPageToken")
            if not token:
                return out

    def update(self, name, **fields):
        """Changes the given fields (``model``, ``rules``, ``fields``, ``rerank``,
        ``experiment``, ``display_name``); ``None`` removes ``rerank`` or ends the
        ``experiment``. Returns the recommender."""
        names = {"display_name": "displayName"}
        body = {names.get(k, k): v for k, v in fields.items()}
        if not body:
            raise ValueError("nothing to update: pass model=, rules=, fields=, rerank=, experiment= or display_name=")
        return self._client._request("PATCH", self._path(name), json=body, query={"updateMask": ",".join(body)})

    def delete(self, name):
        """Deletes a recommender."""
        self._client._request("DELETE", self._path(name))

    def recommend(self, name, user_id=None, session_id=None, item_ids=None, query=None, filter=None, limit=None, fields=None):
        """Items for a shopper, as the storefront asks:
        ``{"items": [{"id", "score", "reason", ...fields}], "matched", "fallback",
        "notes", "modelVersion", "recommendationId", "variant"?}``. Send
        ``recommendationId`` back on the impression, click, add_to_cart and
        purchase events it leads to, so experiments and attribution count them."""
        body = _drop_none({"userId": user_id, "sessionId": session_id, "itemIds": list(item_ids) if item_ids is not None else None,
                           "query": query, "filter": filter, "limit": limit, "fields": list(fields) if fields is not None else None})
        return self._client._request("POST", self._path(name) + ":recommend", json=body)

    def report(self, name, start=None, end=None):
        """An experiment's numbers per variant over [start, end) (RFC 3339 strings;
        default the last 7 days): ``{"variants": [{"name", "users", "impressions",
        "clicks", "ctr", "ctrInterval", "addToCarts", "addToCartRate", "conversions",
        "conversionRate", "conversionRateInterval", "revenue"}], "from", "to", "notes"}``,
        intervals at 95%."""
        return self._client._request("GET", self._path(name, "experiments", "report"), query=_drop_none({"from": start, "to": end}))


class RecsApi:
    """``client.recs``: recommendation models trained from the project's events."""

    def __init__(self, client):
        self._client = client

    def train(self, alias=None, model=None, event_weights=None, events_uri=None, wait=True, timeout=600, progress=None):
        """Trains a rouge-recs version from the project's events (an Operation).

        Returns the finished Operation's response (``modelVersion``,
        ``versionAliases``, ``events``, ``items``, ``users``, ``metrics``,
        ``seconds``), or the Operation itself with ``wait=False``.

        Raises:
            OperationError: training failed (``NO_EVENTS``, ``TRAINING_DATA_INVALID``).
        """
        body = _drop_none({"alias": alias, "model": model, "eventWeights": event_weights, "eventsUri": events_uri})
        op = self._client._request("POST", self._client._project_path("recs") + ":train", json=body)
        if not wait:
            return op
        return self._client.operations.wait(op, timeout=timeout, progress=progress)["response"]
