"""Tests of the Rouge Python client against a live server.

The server comes from the environment: ROUGE_URL, ROUGE_API_KEY (an editor of
the project or better), ROUGE_PROJECT (an existing project), and
ROUGE_TEST_ONNX (the path of a small valid ONNX model). Rouge's own test run
(test/python-sdk.test.ts) starts a server and sets all four; without ROUGE_URL
the server tests are skipped and only the offline ones run.

    ROUGE_URL=http://127.0.0.1:8080 ROUGE_API_KEY=rk_... ROUGE_PROJECT=data-science \\
    ROUGE_TEST_ONNX=model.onnx PYTHONPATH=clients/python \\
    python3 -m unittest discover -s clients/python/tests -v
"""

import hashlib
import http.server
import os
import secrets
import shutil
import sys
import tempfile
import threading
import unittest
from unittest import mock

try:
    import rouge
except ImportError:  # run from a checkout without PYTHONPATH or an install: use the source next door
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import rouge
from rouge import models as models_module


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class RegistryTest(unittest.TestCase):
    """The registry through a live server."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the registry tests need a live Rouge server (see the module docstring)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)
        onnx = os.environ.get("ROUGE_TEST_ONNX")
        if not onnx or not os.path.isfile(onnx):
            raise RuntimeError("ROUGE_TEST_ONNX must name a valid ONNX model file when ROUGE_URL is set (got {!r})".format(onnx))

    def setUp(self):
        self.client = rouge.Client()  # everything from ROUGE_URL, ROUGE_API_KEY, ROUGE_PROJECT
        self.onnx = os.environ["ROUGE_TEST_ONNX"]
        self.tmp = tempfile.mkdtemp(prefix="rouge-sdk-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def model_name(self):
        """A fresh model name, so tests never see each other's versions."""
        return "ctr-" + secrets.token_hex(4)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    # -- the example -----------------------------------------------------

    def test_upload_creates_the_model_and_returns_the_version(self):
        name = self.model_name()
        v = self.client.models.upload(name, self.onnx, aliases=["champion"], metrics={"auc": 0.81}, labels={"team": "recs"})
        self.assertEqual(v["versionId"], "1")
        self.assertEqual(v["versionAliases"], ["default", "champion"])
        self.assertEqual(v["metrics"], {"auc": 0.81})
        self.assertEqual(v["labels"], {"team": "recs"})
        self.assertEqual(v["framework"], "onnx")
        self.assertEqual(v["artifact"]["sha256"], sha256_of(self.onnx))
        self.assertEqual(v["artifact"]["sizeBytes"], os.path.getsize(self.onnx))
        self.assertIn("inputs", v["signature"])
        self.assertEqual(self.client.models.get(name)["modelId"], name)

    def test_versions_lists_numbers_aliases_metrics_and_create_time(self):
        name = self.model_name()
        self.client.models.upload(name, self.onnx, aliases=["champion"], metrics={"auc": 0.81})
        self.client.models.upload(name, self.onnx, metrics={"auc": 0.84}, description="retrained")
        versions = self.client.models.versions(name)
        self.assertEqual([v["versionId"] for v in versions], ["1", "2"])
        self.assertEqual([v["versionAliases"] for v in versions], [["default", "champion"], []])
        self.assertEqual([v["metrics"]["auc"] for v in versions], [0.81, 0.84])
        for v in versions:
            self.assertRegex(v["versionCreateTime"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(self.client.models.version(name + "@2")["description"], "retrained")
        self.assertEqual(self.client.models.version(name)["versionId"], "1")  # a bare name is its default

    def test_set_alias_moves_it_and_remove_alias_takes_it_off(self):
        name = self.model_name()
        self.client.models.upload(name, self.onnx, aliases=["champion"])
        self.client.models.upload(name, self.onnx)
        moved = self.client.models.set_alias(name, version=2, alias="champion")
        self.assertEqual(moved["versionAliases"], ["champion"])
        self.assertEqual(self.client.models.version(name + "@champion")["versionId"], "2")
        self.assertEqual(self.client.models.version(name + "@1")["versionAliases"], ["default"])
        self.client.models.set_alias(name, version="champion", alias=["canary", "shadow"])
        removed = self.client.models.remove_alias(name, version=2, alias="canary")
        self.assertEqual(removed["versionAliases"], ["champion", "shadow"])

    def test_download_round_trips_the_bytes(self):
        name = self.model_name()
        self.client.models.upload(name, self.onnx, aliases=["champion"])
        target = os.path.join(self.tmp, "local.onnx")
        seen = []
        self.assertEqual(self.client.models.download(name + "@champion", target, progress=lambda n, t: seen.append((n, t))), target)
        with open(self.onnx, "rb") as a, open(target, "rb") as b:
            self.assertEqual(a.read(), b.read())
        size = os.path.getsize(self.onnx)
        self.assertEqual(seen[-1], (size, size))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["local.onnx"])  # no temporary file left behind
        # Into a directory: the server's file name.
        out = os.path.join(self.tmp, "out")
        os.mkdir(out)
        self.assertEqual(self.client.models.download(name + "@1", out), os.path.join(out, name + "-1.onnx"))
        self.assertEqual(sha256_of(os.path.join(out, name + "-1.onnx")), sha256_of(self.onnx))

    def test_progress_is_called_with_increasing_counts_ending_at_the_total(self):
        name = self.model_name()
        calls = []
        with mock.patch.object(models_module, "CHUNK_BYTES", 64):  # many chunks from a small file
            self.client.models.upload(name, self.onnx, progress=lambda sent, total: calls.append((sent, total)))
        size = os.path.getsize(self.onnx)
        self.assertGreater(len(calls), 3)
        self.assertEqual({t for _, t in calls}, {size})
        sent = [s for s, _ in calls]
        self.assertEqual(sent, sorted(set(sent)))  # strictly increasing
        self.assertEqual(sent[0], 0)
        self.assertEqual(sent[-1], size)

    def test_upload_http_registers_a_model_server(self):
        name = self.model_name()
        v = self.client.models.upload_http(name, {"upstreams": ["http://10.0.0.7:9000"]}, aliases=["champion"])
        self.assertEqual(v["framework"], "http")
        self.assertEqual(v["spec"]["upstreams"], ["http://10.0.0.7:9000"])
        self.assertEqual(v["spec"]["predictRoute"], "/predict")
        self.assertNotIn("artifact", v)

    def test_models_create_get_list_delete(self):
        name = self.model_name()
        created = self.client.models.create(name, display_name="Click-through", description="CTR", labels={"team": "recs"})
        self.assertEqual(created["displayName"], "Click-through")
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.create(name)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (409, "MODEL_ALREADY_EXISTS"))
        # upload() into an existing model does not try to create it again.
        self.assertEqual(self.client.models.upload(name, self.onnx)["versionId"], "1")
        others = [self.model_name() for _ in range(2)]
        for other in others:
            self.client.models.create(other)
        with mock.patch.object(models_module, "PAGE_SIZE", 1):  # list() follows nextPageToken
            listed = [m["modelId"] for m in self.client.models.list()]
        for n in [name] + others:
            self.assertIn(n, listed)
        self.assertEqual(len(listed), len(set(listed)))
        self.client.models.delete(name)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.get(name)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (404, "MODEL_NOT_FOUND"))

    # -- errors ----------------------------------------------------------------

    def test_a_missing_version_is_404_model_version_not_found(self):
        name = self.model_name()
        self.client.models.upload(name, self.onnx)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.version(name + "@7")
        e = ctx.exception
        self.assertEqual(e.status, 404)
        self.assertEqual(e.reason, "MODEL_VERSION_NOT_FOUND")
        self.assertEqual(e.code, "NOT_FOUND")
        self.assertIn("does not exist", e.message)
        self.assertIn("MODEL_VERSION_NOT_FOUND", str(e))
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.download(name + "@missing", os.path.join(self.tmp, "x.onnx"))
        self.assertEqual(ctx.exception.reason, "MODEL_VERSION_NOT_FOUND")
        self.assertEqual(os.listdir(self.tmp), [])

    def test_a_wrong_key_is_401_key_invalid(self):
        client = rouge.Client(api_key="rk_nosuchkey01_" + "Z9y8X7w6V5" * 4 + "abc")
        with self.assertRaises(rouge.ApiError) as ctx:
            client.models.list()
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (401, "KEY_INVALID"))
        self.assertIsInstance(ctx.exception, rouge.RougeError)

    def test_a_non_onnx_file_is_400_artifact_invalid(self):
        path = self.write("model.onnx", b"this is not an ONNX model\n" * 10)
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.upload(self.model_name(), path)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (400, "ARTIFACT_INVALID"))

    def test_a_wrong_sha256_is_refused_by_the_server(self):
        with self.assertRaises(rouge.ApiError) as ctx:
            self.client.models.upload(self.model_name(), self.onnx, sha256="0" * 64)
        self.assertEqual((ctx.exception.status, ctx.exception.reason), (400, "ARTIFACT_SHA256_MISMATCH"))


class _BadDigestHandler(http.server.BaseHTTPRequestHandler):
    """Serves an artifact whose X-Rouge-Sha256 does not match its bytes."""

    def do_GET(self):
        body = b"corrupted bytes"
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Rouge-Sha256", hashlib.sha256(b"the real bytes").hexdigest())
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class OfflineTest(unittest.TestCase):
    """Client behaviour that needs no Rouge server."""

    def test_a_checksum_mismatch_raises_and_leaves_no_file(self):
        server = http.server.HTTPServer(("127.0.0.1", 0), _BadDigestHandler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        tmp = tempfile.mkdtemp(prefix="rouge-sdk-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        client = rouge.Client("http://127.0.0.1:{}".format(server.server_address[1]), api_key="k", project="p")
        with self.assertRaises(rouge.ChecksumError):
            client.models.download("ctr@1", os.path.join(tmp, "local.onnx"))
        self.assertEqual(os.listdir(tmp), [])

    def test_an_error_body_that_is_not_json_still_gives_an_api_error(self):
        e = rouge.ApiError.from_response(502, b"<html><body>Bad gateway</body></html>")
        self.assertEqual((e.status, e.reason), (502, None))
        self.assertIn("Bad gateway", e.message)

    def test_configuration_comes_from_the_environment(self):
        env = {"ROUGE_URL": "https://rouge.example.com/base/", "ROUGE_API_KEY": "rk_a_b", "ROUGE_PROJECT": "storefront"}
        with mock.patch.dict(os.environ, env):
            client = rouge.Client()
        self.assertEqual((client.base_url, client.api_key, client.project), ("https://rouge.example.com/base", "rk_a_b", "storefront"))
        self.assertEqual(client._project_path("models", "ctr"), "/v1/projects/storefront/models/ctr")
        self.assertNotIn("rk_a_b", repr(client))
        with mock.patch.dict(os.environ, {}, clear=True):
            with self.assertRaises(ValueError):
                rouge.Client()

    def test_model_references(self):
        self.assertEqual(models_module.parse_ref("ctr@3"), ("ctr", "3"))
        self.assertEqual(models_module.parse_ref("ctr@champion"), ("ctr", "champion"))
        self.assertEqual(models_module.parse_ref("ctr"), ("ctr", "default"))
        for bad in ("", "@3", "ctr@"):
            with self.assertRaises(ValueError):
                models_module.parse_ref(bad)


if __name__ == "__main__":
    unittest.main()


class IamTest(unittest.TestCase):
    """Projects, service accounts, keys and bindings through a live server (the run's key is an orgAdmin's)."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the IAM tests need a live Rouge server (see the module docstring)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)

    def test_project_service_account_key_and_binding(self):
        admin = rouge.Client()
        name = "py-iam-" + secrets.token_hex(3)
        created = admin.projects.create(name, display_name="Py IAM", time_zone="Asia/Kolkata")
        self.assertEqual((created["projectId"], created["timeZone"]), (name, "Asia/Kolkata"))
        self.assertIn(name, [p["projectId"] for p in admin.projects.list()])
        client = rouge.Client(project=name)
        client.service_accounts.create("web", display_name="Storefront")
        self.assertEqual([s["serviceAccountId"] for s in client.service_accounts.list()], ["web"])
        key = client.service_accounts.create_key("web", ttl_seconds=3600)
        self.assertTrue(key["key"].startswith("rk_"))
        client.bindings.add("serviceAccount:web@" + name, "viewer")
        self.assertIn(("serviceAccount:web@" + name, "viewer"), [(b["principal"], b["role"]) for b in client.bindings.list()])
        as_web = rouge.Client(api_key=key["key"], project=name)
        self.assertEqual(as_web.projects.get(name)["projectId"], name)
        with self.assertRaises(rouge.ApiError) as denied:
            as_web.service_accounts.create("nope")
        self.assertEqual(denied.exception.reason, "PERMISSION_DENIED")
        client.bindings.remove("serviceAccount:web@" + name, "viewer")
        revoked = client.service_accounts.revoke_key("web", key["keyId"])
        self.assertEqual(revoked["state"], "REVOKED")
        self.assertEqual(client.service_accounts.list_keys("web")[0]["state"], "REVOKED")
        client.service_accounts.delete("web")
        admin.projects.delete(name)
        with self.assertRaises(rouge.ApiError) as gone:
            admin.projects.get(name)
        self.assertEqual(gone.exception.reason, "PROJECT_NOT_FOUND")
