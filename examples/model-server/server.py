#!/usr/bin/env python3
"""An example custom model server for Rouge's ``http`` runtime.

Standard library only (Python 3.8+). It meets the contract in
docs/serving.md ("Custom model servers"), which follows Vertex AI's custom
container contract, so the same program runs behind a Rouge endpoint and in a
Vertex AI custom container:

* ``POST {predict route}`` with ``{"instances": [...], "parameters": {...}}``
  answers ``{"predictions": [...]}``, one prediction per instance. A
  ``text/csv`` body (one row of features per line, as ``:rawPredict`` may
  forward it) answers ``text/csv``, one probability per line.
* ``GET {health route}`` answers 200 once the model is loaded, 503 before.
* ``GET /stats`` answers this process's counters (requests, predictions) and
  the endpoint and deployed model Rouge named on the last request, so an
  operator (or a test) can see how load is spread across upstreams.

The model is a logistic regression, ``sigmoid(w . x + b)``, read from a JSON
file ``{"weights": [w1, ..., wn], "bias": b}`` (``MODEL_WEIGHTS``, default
``weights.json`` next to this file).

Configuration, by environment variable (the ``AIP_`` names are Vertex AI's;
Rouge does not start this process, so whoever runs it sets them):

``AIP_HTTP_PORT``          port to listen on (default 8080; 0 picks a free one)
``AIP_PREDICT_ROUTE``      predict route (default ``/predict``)
``AIP_HEALTH_ROUTE``       health route (default ``/health``)
``AIP_DEPLOYED_MODEL_ID``  only reported in ``/stats`` and logs
``AIP_ENDPOINT_ID``        only reported in ``/stats`` and logs
``MODEL_SERVER_HOST``      address to bind (default ``0.0.0.0``)
``MODEL_WEIGHTS``          the weights file
``MODEL_SERVER_DELAY_MS``  sleep this long before each prediction (to try timeouts)

A predict request may also carry ``?sleep=<ms>`` to be delayed on purpose.

Once listening it prints one line to stdout,
``model server listening on http://HOST:PORT``, with the actual port.
"""

import json
import math
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BODY = 32 * 1024 * 1024


class BadInput(ValueError):
    """An instance the model cannot take: answered 400."""


class Model:
    """sigmoid(w . x + b) over a fixed number of features."""

    def __init__(self, path):
        with open(path, "r", encoding="utf-8") as f:
            spec = json.load(f)
        self.weights = [float(w) for w in spec["weights"]]
        self.bias = float(spec.get("bias", 0.0))

    def features(self, instance, i):
        # A list of numbers; or an object keyed by the input name ("X" or
        # "x"); or keyed "0", "1", ... (how the Vertex Node.js client sends
        # a list).
        if isinstance(instance, dict):
            if "X" in instance or "x" in instance:
                instance = instance.get("X", instance.get("x"))
            elif all(str(k) == str(n) for n, k in enumerate(instance)):
                instance = [instance[str(n)] for n in range(len(instance))]
        if not isinstance(instance, list) or len(instance) != len(self.weights):
            raise BadInput("instance {} must be a list of {} numbers".format(i, len(self.weights)))
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in instance):
            raise BadInput("instance {} holds something that is not a number".format(i))
        return instance

    def predict(self, instances):
        out = []
        for i, instance in enumerate(instances):
            x = self.features(instance, i)
            z = sum(w * v for w, v in zip(self.weights, x)) + self.bias
            out.append(1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z)))
        return out


class State:
    def __init__(self):
        self.model = None
        self.lock = threading.Lock()
        self.requests = 0
        self.predictions = 0
        self.last_caller = {}

    def count(self, rows, headers):
        with self.lock:
            self.requests += 1
            self.predictions += rows
            # Rouge names the endpoint and deployed model on each request it forwards.
            self.last_caller = {"endpoint": headers.get("X-Rouge-Endpoint"),
                                "deployedModelId": headers.get("X-Rouge-Deployed-Model-Id")}


def env_route(name, default):
    route = os.environ.get(name) or default
    return route if route.startswith("/") else "/" + route


PREDICT_ROUTE = env_route("AIP_PREDICT_ROUTE", "/predict")
HEALTH_ROUTE = env_route("AIP_HEALTH_ROUTE", "/health")
DEPLOYED_MODEL_ID = os.environ.get("AIP_DEPLOYED_MODEL_ID", "")
ENDPOINT_ID = os.environ.get("AIP_ENDPOINT_ID", "")
DELAY_MS = float(os.environ.get("MODEL_SERVER_DELAY_MS") or 0)
STATE = State()


class Handler(BaseHTTPRequestHandler):
    server_version = "rouge-example-model-server/1"
    protocol_version = "HTTP/1.1"  # keep-alive, as Rouge's client reuses connections

    def log_message(self, fmt, *args):  # one line per request on stderr
        sys.stderr.write("model-server[{}] {}\n".format(self.server.server_address[1], fmt % args))

    def send_json(self, status, obj, extra_headers=None):
        self.send_bytes(status, json.dumps(obj).encode("utf-8"), "application/json", extra_headers)

    def send_bytes(self, status, body, content_type, extra_headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == HEALTH_ROUTE:
            if STATE.model is None:
                self.send_json(503, {"status": "loading"})
            else:
                self.send_json(200, {"status": "ok"})
        elif path == "/stats":
            with STATE.lock:
                stats = {"requests": STATE.requests, "predictions": STATE.predictions,
                         "port": self.server.server_address[1], "lastCaller": STATE.last_caller,
                         "deployedModelId": DEPLOYED_MODEL_ID, "endpointId": ENDPOINT_ID}
            self.send_json(200, stats)
        else:
            self.send_json(404, {"error": "no route GET {}".format(path)})

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_json(413, {"error": "body over {} bytes".format(MAX_BODY)})
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        if url.path != PREDICT_ROUTE:
            self.send_json(404, {"error": "no route POST {}".format(url.path)})
            return
        if STATE.model is None:
            self.send_json(503, {"error": "the model is still loading"})
            return
        sleep_ms = DELAY_MS
        query = parse_qs(url.query)
        if "sleep" in query:
            try:
                sleep_ms = float(query["sleep"][0])
            except ValueError:
                pass
        if sleep_ms > 0:
            time.sleep(sleep_ms / 1000.0)
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
        try:
            if content_type == "text/csv":
                rows = [[float(v) for v in line.split(",")] for line in body.decode("utf-8").splitlines() if line.strip()]
                predictions = STATE.model.predict(rows)
                STATE.count(len(rows), self.headers)
                text = "".join("{!r}\n".format(p) for p in predictions)
                self.send_bytes(200, text.encode("utf-8"), "text/csv")
                return
            request = json.loads(body.decode("utf-8") or "null")
            if not isinstance(request, dict) or not isinstance(request.get("instances"), list):
                raise BadInput('the body must be {"instances": [...], "parameters": {...}}')
            predictions = STATE.model.predict(request["instances"])
        except BadInput as e:
            self.send_json(400, {"error": str(e)})
            return
        except (ValueError, UnicodeDecodeError) as e:
            self.send_json(400, {"error": "cannot parse the body: {}".format(e)})
            return
        STATE.count(len(predictions), self.headers)
        self.send_json(200, {"predictions": predictions})


def main():
    host = os.environ.get("MODEL_SERVER_HOST", "0.0.0.0")
    port = int(os.environ.get("AIP_HTTP_PORT") or 8080)
    weights = os.environ.get("MODEL_WEIGHTS") or os.path.join(HERE, "weights.json")
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print("model server listening on http://{}:{}".format(host, server.server_address[1]), flush=True)
    # Load after binding, so the health route answers 503 while loading (a
    # real model may take minutes); Rouge deploys only once it answers 200.
    STATE.model = Model(weights)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
