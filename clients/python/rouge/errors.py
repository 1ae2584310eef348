"""Errors raised by the Rouge client."""

import json as _json

__all__ = ["RougeError", "ApiError", "ChecksumError"]

_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


class RougeError(Exception):
    """Base class of every error the client raises on purpose."""


class ApiError(RougeError):
    """The server answered with an HTTP error.

    Rouge renders errors in Google's error model::

        {"error": {"code": 404, "status": "NOT_FOUND", "message": "...",
                   "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                "reason": "MODEL_VERSION_NOT_FOUND", "domain": "rouge"}]}}

    Attributes:
        status: the HTTP status code (404).
        reason: the stable reason to switch on ("MODEL_VERSION_NOT_FOUND"), or
            None when the body was not a Rouge error (a proxy's 502 page, say).
        message: the human-readable message.
        details: the list of detail objects, as sent.
        code: the canonical status name ("NOT_FOUND"), when sent.
        metadata: the ErrorInfo's metadata dict (may be empty).
    """

    def __init__(self, status, reason, message, details=None, code=None, metadata=None):
        super().__init__(status, reason, message)
        self.status = status
        self.reason = reason
        self.message = message
        self.details = list(details or [])
        self.code = code
        self.metadata = dict(metadata or {})

    def __str__(self):
        return "HTTP {} {}: {}".format(self.status, self.reason or "(no reason)", self.message)

    @classmethod
    def from_response(cls, status, body):
        """Builds the error from a response's status and raw body bytes."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        try:
            err = _json.loads(text)["error"]
            if not isinstance(err, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            snippet = " ".join(text.split())[:300] or "(empty body)"
            return cls(status, None, snippet)
        details = err.get("details") or []
        info = next((d for d in details if isinstance(d, dict) and d.get("@type") == _ERROR_INFO), {})
        return cls(
            status,
            info.get("reason"),
            err.get("message", ""),
            details,
            code=err.get("status"),
            metadata=info.get("metadata"),
        )


class ChecksumError(RougeError):
    """A downloaded artifact's bytes do not match the sha256 the server sent."""
