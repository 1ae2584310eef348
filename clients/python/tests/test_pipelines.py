"""Tests of client.pipelines against a live server (ROUGE_URL, ROUGE_API_KEY, ROUGE_PROJECT, as in test_client.py)."""

import os
import secrets
import sys
import unittest

try:
    import rouge
except ImportError:  # run from a checkout without PYTHONPATH or an install: use the source next door
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import rouge
from rouge import ApiError


class PipelinesTest(unittest.TestCase):
    """Apply, run with parameters, wait, approve, and the errors that name their place."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the pipeline tests need a live Rouge server (see test_client.py)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)
        cls.tag = secrets.token_hex(3)

    def setUp(self):
        self.client = rouge.Client()

    def test_apply_run_wait(self):
        name = "gate-" + self.tag
        src = ("name: {}\nparameters:\n  score: {{ type: number, default: 0.2 }}\nsteps:\n"
               "  - {{ name: check, kind: gate, with: {{ metric: \"${{{{ parameters.score }}}}\", threshold: 0.5 }} }}\n"
               "  - {{ name: after, kind: approval, needs: [check] }}\n").format(name)
        applied = self.client.pipelines.apply(src)
        self.assertEqual(applied["pipelineId"], name)
        run = self.client.pipelines.wait(self.client.pipelines.run(name), timeout=60, poll=0.2)
        self.assertEqual(run["state"], "SUCCEEDED")
        self.assertEqual([s["state"] for s in run["steps"]], ["SUCCEEDED", "SKIPPED"])
        started = self.client.pipelines.run(name, {"score": 0.9})
        for _ in range(200):
            got = self.client.pipelines.get_run(started["name"])
            if (got["steps"][1].get("outputs") or {}).get("waiting"):
                break
        self.client.pipelines.approve(started["runId"], "after")
        self.assertEqual(self.client.pipelines.wait(started, timeout=60, poll=0.2)["state"], "SUCCEEDED")

    def test_errors_name_the_place(self):
        with self.assertRaises(ApiError) as bad:
            self.client.pipelines.apply("name: bad-{}\nsteps:\n  - {{ name: a, kind: gate, needs: [nope] }}\n".format(self.tag))
        self.assertEqual(bad.exception.reason, "PIPELINE_INVALID")
        self.assertIn("line 3", bad.exception.message)
        with self.assertRaises(ApiError) as typed:
            self.client.pipelines.apply("name: p-{}\nparameters:\n  n: {{ type: integer }}\nsteps:\n  - {{ name: a, kind: approval }}\n".format(self.tag))
            self.client.pipelines.run("p-" + self.tag, {"n": "three"})
        self.assertEqual(typed.exception.reason, "PIPELINE_PARAMETERS_INVALID")


if __name__ == "__main__":
    unittest.main()
