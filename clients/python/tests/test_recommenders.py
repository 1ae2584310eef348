"""Tests of client.recs and client.recommenders against a live server.

The server comes from the environment, as in test_client.py: ROUGE_URL,
ROUGE_API_KEY and ROUGE_PROJECT. Without ROUGE_URL only the offline tests run.
"""

import datetime
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


class OfflineTest(unittest.TestCase):
    """What needs no server."""

    def test_update_needs_a_field(self):
        client = rouge.Client("http://127.0.0.1:9", api_key="rk_x", project="p")
        with self.assertRaises(ValueError):
            client.recommenders.update("home")


class RecommendersTest(unittest.TestCase):
    """Training, recommenders, an experiment and its report through a live server."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the recommender tests need a live Rouge server (see test_client.py)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)
        client = rouge.Client()
        tag = secrets.token_hex(3)
        cls.kinds = ["Plonkers" + tag, "Zimbars" + tag]
        for k, kind in enumerate(cls.kinds):
            for i in range(8):
                client.catalog.put({"id": "{}-{}".format(kind, i), "title": "{} number {}".format(kind, i), "brand": "Tromb",
                                    "categoryPath": ["Things", kind], "price": {"amount": 1000 + i, "currency": "INR"}})
        now = datetime.datetime.now(datetime.timezone.utc)
        events = []
        for u in range(30):
            kind = cls.kinds[u % 2]
            for s in range(4):
                events.append({"eventId": "sdk-{}-{}-{}".format(tag, u, s), "type": "view", "userId": "sdk-u{}".format(u),
                               "itemIds": ["{}-{}".format(kind, (u + s) % 8)],
                               "eventTime": (now - datetime.timedelta(minutes=30 - s)).isoformat().replace("+00:00", "Z")})
        client.events.write(events)
        cls.trained = client.recs.train(alias="champion")
        cls.tag = tag

    def setUp(self):
        self.client = rouge.Client()

    def test_training_registers_a_version_and_moves_the_alias(self):
        self.assertIn("champion", self.trained["versionAliases"])
        self.assertTrue(self.trained["modelVersion"].endswith("/models/recs/versions/" + self.trained["modelVersion"].rsplit("/", 1)[1]))
        self.assertGreaterEqual(self.trained["events"], 120)

    def test_create_get_list_recommend_update_delete(self):
        name = "similar-" + self.tag
        created = self.client.recommenders.create(name, "similar", fields=["title", "price"])
        self.assertEqual(created["kind"], "similar")
        self.assertEqual(self.client.recommenders.get(name)["model"], "recs@champion")
        self.assertIn(name, [r["recommenderId"] for r in self.client.recommenders.list()])
        anchor = self.kinds[0] + "-1"
        r = self.client.recommenders.recommend(name, item_ids=[anchor], limit=3)
        self.assertEqual(len(r["items"]), 3)
        self.assertNotIn(anchor, [i["id"] for i in r["items"]])
        self.assertIn("title", r["items"][0])
        updated = self.client.recommenders.update(name, rules={"maxPerBrand": 2})
        self.assertEqual(updated["rules"], {"maxPerBrand": 2})
        self.client.recommenders.delete(name)
        with self.assertRaises(ApiError) as cm:
            self.client.recommenders.get(name)
        self.assertEqual(cm.exception.status, 404)

    def test_an_experiment_names_its_variant_and_its_report_counts_the_events_sent_back(self):
        name = "ab-" + self.tag
        experiment = {"unit": "userId", "variants": [{"name": "control", "weight": 50}, {"name": "pinned", "weight": 50, "model": "recs@champion"}]}
        self.client.recommenders.create(name, "for-you", experiment=experiment)
        now = datetime.datetime.now(datetime.timezone.utc)
        events = []
        for u in range(10):
            r = self.client.recommenders.recommend(name, user_id="sdk-u{}".format(u), limit=2)
            self.assertIn(r["variant"], ("control", "pinned"))
            events.append({"eventId": "imp-{}-{}".format(self.tag, u), "type": "impression", "userId": "sdk-u{}".format(u),
                           "itemIds": [r["items"][0]["id"]], "recommendationId": r["recommendationId"],
                           "eventTime": now.isoformat().replace("+00:00", "Z")})
        self.client.events.write(events)
        report = self.client.recommenders.report(name)
        self.assertEqual([v["name"] for v in report["variants"]], ["control", "pinned"])
        self.assertEqual(sum(v["impressions"] for v in report["variants"]), 10)
        self.assertEqual(sum(v["users"] for v in report["variants"]), 10)
        with self.assertRaises(ApiError) as cm:
            self.client.recommenders.create("bad-" + self.tag, "popular", experiment={"unit": "userId", "variants": [{"name": "a", "weight": 70}, {"name": "b", "weight": 20}]})
        self.assertEqual(cm.exception.reason, "EXPERIMENT_SPLIT_INVALID")
        ended = self.client.recommenders.update(name, experiment=None)
        self.assertNotIn("experiment", ended)


if __name__ == "__main__":
    unittest.main()
