"""Tests of client.catalog and client.events against a live server.

The server comes from the environment, as in test_client.py: ROUGE_URL,
ROUGE_API_KEY and ROUGE_PROJECT. Without ROUGE_URL only the offline tests run.
"""

import datetime
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import unittest

try:
    import rouge
except ImportError:  # run from a checkout without PYTHONPATH or an install: use the source next door
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import rouge
from rouge import catalog as catalog_module


def until(what, fetch, ok, seconds=10):
    """Calls ``fetch`` until ``ok`` accepts its answer, which it returns; fails past the deadline.

    Item changes reach the search index asynchronously (through the signals
    port), so a search right after an import may not see it yet.
    """
    deadline = time.monotonic() + seconds
    while True:
        value = fetch()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for {}; last answer: {!r}".format(what, value))
        time.sleep(0.05)


class OfflineTest(unittest.TestCase):
    """What needs no server."""

    def test_content_type_from_extension_or_format(self):
        self.assertEqual(catalog_module.content_type_of("a/products.jsonl"), "application/x-ndjson")
        self.assertEqual(catalog_module.content_type_of("products.NDJSON"), "application/x-ndjson")
        self.assertEqual(catalog_module.content_type_of("products.csv"), "text/csv")
        self.assertEqual(catalog_module.content_type_of("feed.txt", format="csv"), "text/csv")
        with self.assertRaises(ValueError):
            catalog_module.content_type_of("feed.txt")
        with self.assertRaises(ValueError):
            catalog_module.content_type_of("history.csv", allowed=("jsonl",))

    def test_since_accepts_strings_datetimes_and_timedeltas(self):
        self.assertEqual(catalog_module._since("2026-01-01T00:00:00Z"), "2026-01-01T00:00:00Z")
        self.assertEqual(catalog_module._since(datetime.datetime(2026, 1, 2, 3, 4, 5)), "2026-01-02T03:04:05Z")
        back = catalog_module._since(datetime.timedelta(hours=1))
        self.assertTrue(back.endswith("Z"))
        with self.assertRaises(TypeError):
            catalog_module._since(12)

    def test_a_batch_over_1000_events_is_refused_before_sending(self):
        client = rouge.Client("http://127.0.0.1:9", api_key="rk_x", project="p")
        with self.assertRaises(ValueError):
            client.events.write([{}] * 1001)


class CatalogTest(unittest.TestCase):
    """Items, imports, search and events through a live server."""

    @classmethod
    def setUpClass(cls):
        if not os.environ.get("ROUGE_URL"):
            reason = "ROUGE_URL is not set: the catalog tests need a live Rouge server (see test_client.py)"
            print("\nSKIPPED: " + reason, file=sys.stderr)
            raise unittest.SkipTest(reason)

    def setUp(self):
        self.client = rouge.Client()
        self.tmp = tempfile.mkdtemp(prefix="rouge-sdk-catalog-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # Fresh ids and invented category words per test, so tests never see each other's items.
        self.tag = secrets.token_hex(3)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def invented(self):
        """Two invented category words that no other test uses (letters only)."""
        letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in self.tag)
        return "zorb" + letters, "plinq" + letters

    def test_put_get_patch_list_delete(self):
        item_id = "PY-" + self.tag
        item = {"id": item_id, "title": "Test item", "categoryPath": ["Pyworld", "Things"], "price": {"amount": 1999, "currency": "EUR"}}
        saved = self.client.catalog.put(item)
        self.assertEqual(saved["id"], item_id)
        self.assertEqual(saved["availability"], "in_stock")
        self.assertEqual(self.client.catalog.get(item_id)["price"], {"amount": 1999, "currency": "EUR"})

        patched = self.client.catalog.patch(item_id, availability="out_of_stock", price={"amount": 1499, "currency": "EUR"})
        self.assertEqual((patched["availability"], patched["price"]["amount"]), ("out_of_stock", 1499))
        self.assertEqual(self.client.catalog.patch(item_id, {"availability": "preorder"})["availability"], "preorder")

        listed = self.client.catalog.list(filter='availability = "preorder"')
        self.assertIn(item_id, [i["id"] for i in listed])

        with self.assertRaises(rouge.ApiError) as bad:
            self.client.catalog.put(dict(item, price={"amount": -1, "currency": "EUR"}))
        self.assertEqual(bad.exception.status, 400)

        self.client.catalog.delete(item_id)
        with self.assertRaises(rouge.ApiError) as gone:
            self.client.catalog.get(item_id)
        self.assertEqual(gone.exception.status, 404)

    def test_import_jsonl_and_csv_then_search_and_categories(self):
        kind_a, kind_b = self.invented()
        dept = "Dept" + self.tag
        lines = []
        for kind in (kind_a, kind_b):
            for n in range(3):
                lines.append(json.dumps({"id": "{}-{}".format(kind, n), "title": "Shiny {} number {}".format(kind, n), "brand": "Acme",
                                         "categoryPath": [dept, kind.capitalize()], "price": {"amount": 100 + n, "currency": "EUR"}}))
        lines.insert(2, '{"id": "broken", ')
        path = self.write("products.jsonl", "\n".join(lines) + "\n")
        seen = []
        report = self.client.catalog.import_file(path, progress=seen.append)
        self.assertEqual((report["inserted"], report["updated"], report["rejected"]), (6, 0, 1))
        self.assertEqual([(r["line"], r["reason"]) for r in report["rejections"]], [(3, "LINE_MALFORMED")])
        self.assertTrue(seen and seen[-1]["done"])

        csv = "\n".join([
            "id,title,categoryPath,price",
            "{}-9,Another {},{} > {},250 EUR".format(kind_a, kind_a, dept, kind_a.capitalize()),
            "{}-bad,Bad price,{} > {},2.50 EUR".format(kind_a, dept, kind_a.capitalize()),
            "{}-0,Renamed {},{} > {},100 EUR".format(kind_b, kind_b, dept, kind_b.capitalize()),
        ]) + "\n"
        report = self.client.catalog.import_file(self.write("more.csv", csv))
        self.assertEqual((report["inserted"], report["updated"], report["rejected"]), (1, 1, 1))
        self.assertEqual(report["rejections"][0]["line"], 3)

        # Without waiting: the Operation, which operations.wait then finishes.
        op = self.client.catalog.import_file(path, wait=False)
        self.assertTrue(op["name"].startswith("projects/"))
        self.assertEqual(self.client.operations.wait(op)["response"]["updated"], 6)

        # A typo of an invented word still finds its category, and only its items.
        typo = kind_a[:-1] + ("x" if kind_a[-1] != "x" else "y")
        found = until("the imported items to reach the search index",
                      lambda: self.client.catalog.search(typo, page_size=2), lambda r: r["totalSize"] == 4)
        self.assertTrue(found["matched"])
        self.assertEqual(found["categories"][0]["path"], [dept, kind_a.capitalize()])
        self.assertEqual(len(found["items"]), 2)
        self.assertTrue(all(i["categoryPath"] == [dept, kind_a.capitalize()] for i in found["items"]))
        self.assertEqual(found["totalSize"], 4)

        # A filter keeps the matched items that pass it; synonyms are read and set from the SDK.
        none_pass = self.client.catalog.search(typo, filter='price.amount < 0')
        self.assertEqual(none_pass["items"], [])
        self.assertEqual(self.client.catalog.set_synonyms([[kind_a, "zzqq colour"]]), [[kind_a, "zzqq colour"]])
        self.assertEqual(self.client.catalog.get_synonyms(), [[kind_a, "zzqq colour"]])

        nothing = self.client.catalog.search("qqqzzzvvvxxx")
        self.assertFalse(nothing["matched"])
        self.assertEqual((nothing["categories"], nothing["items"]), ([], []))
        self.assertIn("No item", nothing["message"])

        tree = self.client.catalog.categories()
        top = next(c for c in tree["categories"] if c["name"] == dept)
        self.assertEqual(top["itemCount"], 7)
        self.assertEqual(sorted((c["name"], c["itemCount"]) for c in top["children"]), sorted([(kind_a.capitalize(), 4), (kind_b.capitalize(), 3)]))

    def test_events_write_import_export_round_trip(self):
        base = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(days=3)

        def at(minutes):
            return (base + datetime.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")

        session = "s-" + self.tag
        batch = [
            {"eventId": "pw-1-" + self.tag, "type": "search", "sessionId": session, "query": "zorb", "eventTime": at(0)},
            {"eventId": "pw-2-" + self.tag, "type": "view", "sessionId": session, "itemIds": ["X-1"], "eventTime": at(1)},
        ]
        self.assertEqual(self.client.events.write(batch), {"written": 2, "duplicates": 0})
        self.assertEqual(self.client.events.write(batch), {"written": 0, "duplicates": 2})
        with self.assertRaises(rouge.ApiError) as bad:
            self.client.events.write([dict(batch[0], eventId="pw-3-" + self.tag), {"eventId": "pw-4-" + self.tag, "type": "nope", "sessionId": session, "eventTime": at(2)}])
        self.assertEqual((bad.exception.status, bad.exception.reason), (400, "USER_EVENTS_INVALID"))

        history = "\n".join([
            json.dumps({"eventId": "ph-1-" + self.tag, "type": "view", "userId": "u-" + self.tag, "itemIds": ["X-1"], "eventTime": at(10)}),
            "not json",
            json.dumps({"eventId": "ph-2-" + self.tag, "type": "purchase", "userId": "u-" + self.tag, "sessionId": session, "itemIds": ["X-1"],
                        "value": {"amount": 1999, "currency": "EUR"}, "eventTime": at(11)}),
            json.dumps(batch[0]),
        ]) + "\n"
        report = self.client.events.import_file(self.write("history.jsonl", history))
        self.assertEqual((report["written"], report["duplicates"], report["rejected"]), (2, 1, 1))
        self.assertEqual(report["rejections"][0]["line"], 2)
        with self.assertRaises(ValueError):
            self.client.events.import_file(self.write("history.csv", "a,b\n"))

        ours = {"pw-1-", "pw-2-", "ph-1-", "ph-2-"}
        mine = lambda events: [e["eventId"] for e in events if e["eventId"].endswith(self.tag)]  # noqa: E731
        with self.client.events.export(since=at(0)) as stream:
            exported = mine(stream)
        self.assertEqual(exported, [p + self.tag for p in ("pw-1-", "pw-2-", "ph-1-", "ph-2-")])
        self.assertEqual({e[:4] for e in exported}, {p[:4] for p in ours})

        target = os.path.join(self.tmp, "since.jsonl")
        count = self.client.events.export(since=base + datetime.timedelta(minutes=10), path=target)
        with open(target, encoding="utf-8") as f:
            written = [json.loads(line) for line in f]
        self.assertEqual(count, len(written))
        self.assertEqual(mine(written), ["ph-1-" + self.tag, "ph-2-" + self.tag])
        # Nothing of ours in the last hour: the events are three days old.
        self.assertEqual(mine(self.client.events.export(since=datetime.timedelta(hours=1))), [])


if __name__ == "__main__":
    unittest.main()
