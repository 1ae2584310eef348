"""Tests of client.endpoints and client.operations against a live server.

The server comes from the environment, as in test_client.py: ROUGE_URL,
ROUGE_API_KEY, ROUGE_PROJECT, and ROUGE_TEST_ONNX (a logistic regression over
four float features, input X [batch, 4], output probability [batch, 1]).
Without ROUGE_URL only the offline tests run.
"""

import http.server
import json
import os
import secrets
import sys
import threading
import time
import unittest
from unittest import mock

try:
    import rouge
except ImportError:  # run from a checkout without PYTHONPATH or an install: use the source next door
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import rouge
from rouge import endpoints as endpoints_module

X = [0.1, 0.2, 0.3, 0.4]


class EndpointsTest(unittest.TestCase):
    """Endpoints, deploys and both prediction protocols through a live server."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the endpoint tests need a live Rouge server (see test_client.py)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)
        onnx = os.environ.get("ROUGE_TEST_ONNX")
        if not onnx or not os.path.isfile(onnx):
            raise RuntimeError("ROUGE_TEST_ONNX must name a valid ONNX model file when ROUGE_URL is set (got {!r})".format(onnx))

    def setUp(self):
        self.client = rouge.Client()
        self.onnx = os.environ["ROUGE_TEST_ONNX"]

    def fresh(self, prefix):
        return "{}-{}".format(prefix, secrets.token_hex(4))

    def model_with_versions(self, count=1):
        """A fresh model with `count` versions of the test model; version 1 holds champion."""
        name = self.fresh("ctr")
        for i in range(count):
            self.client.models.upload(name, self.onnx, aliases=["champion"] if i == 0 else None, sha256=False)
        return name

    def endpoint(self, **kwargs):
        """A fresh endpoint, undeployed and deleted after the test."""
        name = self.fresh("ep")
        self.client.endpoints.create(name, **kwargs)
        self.addCleanup(self.teardown_endpoint, name)
        return name

    def teardown_endpoint(self, name):
        try:
            ep = self.client.endpoints.get(name)
        except rouge.ApiError:
            return
        if ep["deployedModels"]:
            self.client.endpoints.split(name, {})
            for d in ep["deployedModels"]:
                self.client.endpoints.undeploy(name, d["id"])
        self.client.endpoints.delete(name)

    # -- the example -----------------------------------------------------

    def test_create_deploy_predict_infer_canary_split_back_undeploy(self):
        model = self.model_with_versions(2)
        ep = self.endpoint()

        first = self.client.endpoints.deploy(ep, model="{}@champion".format(model), traffic={"0": 100})
        self.assertEqual(first["state"], "READY")
        self.assertEqual(first["modelVersionId"], "1")  # the alias, resolved at deploy
        self.assertEqual(first["model"], "projects/{}/models/{}".format(self.client.project, model))
        old = first["id"]
        self.assertEqual(self.client.endpoints.get(ep)["trafficSplit"], {old: 100})

        # Vertex shape.
        p = self.client.endpoints.predict(ep, instances=[X])
        self.assertEqual(p["deployedModelId"], old)
        self.assertEqual(p["modelVersionId"], "1")
        self.assertEqual(p["modelDisplayName"], "{}@1".format(model))
        self.assertEqual(len(p["predictions"]), 1)
        probability = p["predictions"][0]
        if isinstance(probability, list):
            probability = probability[0]
        self.assertTrue(0 < probability < 1)

        # OIP shape: the same model, the same number.
        r = self.client.endpoints.infer(ep, inputs=[{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": X}], id="req-1")
        self.assertEqual(r["model_name"], "{}.{}".format(self.client.project, ep))
        self.assertEqual(r["model_version"], old)
        self.assertEqual(r["id"], "req-1")
        out = r["outputs"][0]
        self.assertEqual((out["name"], out["shape"], out["datatype"]), ("probability", [1, 1], "FP32"))
        self.assertAlmostEqual(out["data"][0], probability, places=5)
        named = self.client.endpoints.infer(ep, inputs=[{"name": "X", "shape": [2, 4], "datatype": "FP32", "data": X + X}], outputs=["probability"])
        self.assertEqual(named["outputs"][0]["shape"], [2, 1])

        # Canary: the new version gets 10%, the old one keeps 90%.
        canary = self.client.endpoints.deploy(ep, model="{}@2".format(model), traffic={"0": 10, old: 90})
        new = canary["id"]
        self.assertEqual(canary["modelVersionId"], "2")
        self.assertEqual(self.client.endpoints.get(ep)["trafficSplit"], {old: 90, new: 10})
        seen = set()
        for _ in range(300):
            seen.add(self.client.endpoints.predict(ep, instances=[X])["deployedModelId"])
            if len(seen) == 2:
                break
        self.assertEqual(seen, {old, new})
        # A routing key keeps one caller on one side.
        sticky = {self.client.endpoints.predict(ep, instances=[X], routing_key="user-42")["deployedModelId"] for _ in range(10)}
        self.assertEqual(len(sticky), 1)
        # One deployed model by id, over OIP.
        pinned = self.client.endpoints.infer(ep, inputs=[{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": X}], deployed_model_id=new)
        self.assertEqual(pinned["model_version"], new)

        # Roll back: everything to the old one, then take the canary off.
        back = self.client.endpoints.split(ep, {old: 100})
        self.assertEqual(back["trafficSplit"], {old: 100})
        after = self.client.endpoints.undeploy(ep, new)
        self.assertEqual([d["id"] for d in after["deployedModels"]], [old])
        self.assertEqual(after["trafficSplit"], {old: 100})
        self.assertEqual(self.client.endpoints.predict(ep, instances=[X])["deployedModelId"], old)

        # The last model goes with all its traffic; the endpoint is then empty and can be deleted.
        emptied = self.client.endpoints.undeploy(ep, old)
        self.assertEqual((emptied["deployedModels"], emptied["trafficSplit"]), ([], {}))
        self.client.endpoints.delete(ep)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.get(ep)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (404, "ENDPOINT_NOT_FOUND"))

    # -- operations ----------------------------------------------------------------

    def test_deploy_without_wait_returns_the_operation_and_operations_wait_follows_it(self):
        model = self.model_with_versions(1)
        ep = self.endpoint()
        op = self.client.endpoints.deploy(ep, model=model, traffic={0: 100}, batching={"max_batch_size": 8, "max_latency_ms": 2}, wait=False)
        self.assertRegex(op["name"], r"^projects/{}/operations/[0-9A-Z]{{26}}$".format(self.client.project))
        self.assertEqual(op["metadata"]["kind"], "serving.deploy")
        op_id = op["name"].rsplit("/", 1)[1]
        self.assertEqual(self.client.operations.get(op_id)["name"], op["name"])
        self.assertEqual(self.client.operations.get(op["name"])["name"], op["name"])
        states = []
        done = self.client.operations.wait(op["name"], timeout=60, progress=lambda o: states.append(o["metadata"]["state"]))
        self.assertTrue(done["done"])
        self.assertEqual(states[-1], "SUCCEEDED")
        self.assertEqual(done["response"]["state"], "READY")
        self.assertEqual(done["response"]["batching"], {"maxBatchSize": 8, "maxLatencyMs": 2})
        self.assertEqual(self.client.endpoints.get(ep)["trafficSplit"], {done["response"]["id"]: 100})
        # Waiting on an Operation that is already done returns it at once.
        self.assertEqual(self.client.operations.wait(done)["response"], done["response"])

    def test_a_model_that_cannot_load_fails_the_operation_and_keeps_the_traffic(self):
        model = self.model_with_versions(1)
        ep = self.endpoint()
        good = self.client.endpoints.deploy(ep, model=model, traffic={"0": 100})["id"]
        # A custom model server nobody runs: its health check fails at deploy.
        broken = self.fresh("down")
        self.client.models.upload_http(broken, {"upstreams": ["http://127.0.0.1:9"], "timeoutMs": 500})
        with self.assertRaises(rouge.OperationError) as ctx:
            self.client.endpoints.deploy(ep, model=broken, traffic={"0": 100}, timeout=60)
        e = ctx.exception
        self.assertIsInstance(e, rouge.ApiError)
        self.assertEqual((e.status, e.reason, e.code), (400, "DEPLOY_FAILED", "FAILED_PRECONDITION"))
        self.assertIn("127.0.0.1:9", e.message)
        self.assertEqual(e.operation["metadata"]["state"], "DEAD")
        self.assertIn("DEPLOY_FAILED", str(e))
        endpoint = self.client.endpoints.get(ep)
        self.assertEqual(endpoint["trafficSplit"], {good: 100})
        self.assertEqual(sorted(d["state"] for d in endpoint["deployedModels"]), ["FAILED", "READY"])
        self.assertEqual(self.client.endpoints.predict(ep, instances=[X])["deployedModelId"], good)

    # -- management and errors --------------------------------------------------------

    def test_create_get_list_delete(self):
        name = self.fresh("ep")
        created = self.client.endpoints.create(name, display_name="CTR production", request_logging=0.25, labels={"team": "recs"})
        self.addCleanup(self.teardown_endpoint, name)
        self.assertEqual(created["endpointId"], name)
        self.assertEqual(created["name"], "projects/{}/endpoints/{}".format(self.client.project, name))
        self.assertEqual(created["displayName"], "CTR production")
        self.assertEqual(created["requestLogging"], {"samplingRate": 0.25})
        self.assertEqual(created["labels"], {"team": "recs"})
        self.assertEqual((created["deployedModels"], created["trafficSplit"]), ([], {}))
        self.assertEqual(self.client.endpoints.get(name), created)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.create(name)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (409, "ENDPOINT_ALREADY_EXISTS"))
        others = [self.endpoint() for _ in range(2)]
        with mock.patch.object(endpoints_module, "PAGE_SIZE", 1):  # list() follows nextPageToken
            listed = [e["endpointId"] for e in self.client.endpoints.list()]
        for n in [name] + others:
            self.assertIn(n, listed)
        self.assertEqual(len(listed), len(set(listed)))
        self.client.endpoints.delete(name)
        self.assertNotIn(name, [e["endpointId"] for e in self.client.endpoints.list()])

    def test_errors_in_each_protocols_shape(self):
        ep = self.endpoint()
        # No traffic: Google's error model on Vertex, a bare message on OIP.
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.predict(ep, instances=[X])
        self.assertEqual((ctx.exception.status, ctx.exception.reason, ctx.exception.code), (503, "NO_TRAFFIC", "UNAVAILABLE"))
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.infer(ep, inputs=[{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": X}])
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (503, None))
        self.assertIn("no traffic split", ctx.exception.message)
        self.assertFalse(ctx.exception.message.startswith("{"))

        self.client.endpoints.deploy(ep, model=self.model_with_versions(1), traffic={"0": 100})
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.infer(ep, inputs=[{"name": "X", "shape": [1, 3], "datatype": "FP32", "data": X[:3]}])
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (400, None))
        self.assertIn("The model expects inputs X FP32 [-1,4]", ctx.exception.message)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.predict(ep, instances=[[1, 2, 3]])
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (400, "INPUT_INVALID"))
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.split(ep, {"12345": 100})
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (400, "TRAFFIC_SPLIT_INVALID"))
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.get(self.fresh("missing"))
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (404, "ENDPOINT_NOT_FOUND"))
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.endpoints.deploy(ep, model=self.fresh("nomodel"), traffic={"0": 100})
        self.assertEqual(ctx.exception.status, 404)


class _StuckOperationHandler(http.server.BaseHTTPRequestHandler):
    """An Operation that never finishes; counts the polls."""

    polls = 0

    def do_GET(self):
        type(self).polls += 1
        body = json.dumps({"name": "projects/p/operations/01JD3M8X0QK1V6ZP2B7T9YF4RC", "done": False,
                           "metadata": {"kind": "serving.deploy", "state": "RUNNING"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class OfflineEndpointsTest(unittest.TestCase):
    """Endpoint and operation client behaviour that needs no Rouge server."""

    def test_wait_gives_up_at_the_timeout_with_the_last_state(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), _StuckOperationHandler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        client = rouge.Client("http://127.0.0.1:{}".format(server.server_address[1]), api_key="k", project="p")
        started = time.monotonic()
        with self.assertRaises(rouge.OperationTimeout) as ctx:
            client.operations.wait("01JD3M8X0QK1V6ZP2B7T9YF4RC", timeout=0.6)
        self.assertLess(time.monotonic() - started, 3)
        self.assertIsInstance(ctx.exception, TimeoutError)
        self.assertEqual(ctx.exception.operation["metadata"]["state"], "RUNNING")
        self.assertIn("still RUNNING", str(ctx.exception))
        self.assertGreaterEqual(_StuckOperationHandler.polls, 2)

    def test_an_operation_error_reads_like_an_api_error(self):
        op = {"name": "projects/p/operations/X", "done": True, "metadata": {"state": "DEAD"},
              "error": {"code": 9, "message": "The model could not be loaded for serving: boom. Traffic is unchanged.",
                        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "DEPLOY_FAILED", "domain": "rouge"}]}}
        e = rouge.OperationError(op)
        self.assertEqual((e.status, e.reason, e.code), (400, "DEPLOY_FAILED", "FAILED_PRECONDITION"))
        self.assertIn("boom", str(e))
        self.assertIs(e.operation, op)
        unknown = rouge.OperationError({"name": "n", "done": True, "metadata": {"state": "CANCELLED"}, "error": {"code": 1, "message": "cancelled by request", "details": []}})
        self.assertEqual((unknown.status, unknown.reason, unknown.code), (499, None, "CANCELLED"))

    def test_oip_errors_become_api_errors_with_no_reason(self):
        e = endpoints_module._oip_error(400, b'{"error": "Input X has shape [1,3]. The model expects inputs X FP32 [-1,4]."}')
        self.assertEqual((e.status, e.reason), (400, None))
        self.assertEqual(e.message, "Input X has shape [1,3]. The model expects inputs X FP32 [-1,4].")
        google = endpoints_module._oip_error(401, b'{"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "no key", '
                                                   b'"details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "KEY_INVALID"}]}}')
        self.assertEqual(google.reason, "KEY_INVALID")
        self.assertEqual(endpoints_module._oip_error(502, b"<html>bad gateway</html>").reason, None)

    def test_paths_and_splits(self):
        client = rouge.Client("http://127.0.0.1:1", api_key="k", project="shop")
        self.assertEqual(client.endpoints._oip_path("ctr-prod"), "/v2/models/shop.ctr-prod")
        self.assertEqual(client.endpoints._oip_path("ctr-prod", 4821095730), "/v2/models/shop.ctr-prod/versions/4821095730")
        self.assertEqual(client.operations._path("projects/other/operations/ABC"), "/v1/projects/other/operations/ABC")
        self.assertEqual(client.operations._path("ABC"), "/v1/projects/shop/operations/ABC")
        with self.assertRaises(ValueError):
            client.operations._path("projects/other/models/ctr")
        self.assertEqual(endpoints_module._split({0: 10, 4821095730: 90}), {"0": 10, "4821095730": 90})
        self.assertEqual(endpoints_module._batching({"max_batch_size": 32, "maxLatencyMs": 5}), {"maxBatchSize": 32, "maxLatencyMs": 5})


if __name__ == "__main__":
    unittest.main()
