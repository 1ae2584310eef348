"""Pipelines: YAML DAGs of steps (train -> evaluate -> gate -> promote) and their runs.

``client.pipelines`` applies a pipeline file, starts runs with parameters,
reads a run (each step's state, outputs and error) and waits for one to end.
"""

import time

__all__ = ["PipelinesApi", "PipelineRunTimeout"]

from .errors import RougeError

#: States after which a run does not change (unless retried).
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")


class PipelineRunTimeout(RougeError, TimeoutError):
    """``wait`` gave up before the run ended; the run goes on. ``run`` is the last state seen."""

    def __init__(self, name, timeout, run):
        super().__init__(f"pipeline run {name} did not end within {timeout} s (it goes on; it was {run.get('state') if run else 'unknown'})")
        self.run = run


class PipelinesApi:
    """``client.pipelines``: the project's pipelines and their runs.

    A run is a dict: ``name`` (``projects/p/pipelineRuns/ID``), ``runId``,
    ``pipeline``, ``state`` (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED),
    ``parameters`` and ``steps`` (each ``name``, ``kind``, ``state``,
    ``attempt``, ``outputs``, ``error``).
    """

    def __init__(self, client):
        self._client = client

    def apply(self, source, name=None):
        """Creates or replaces a pipeline from its YAML text (or a path to the file) and returns it.

        Raises:
            ApiError: 400 ``PIPELINE_INVALID``, whose message names the line of what is wrong.
        """
        text = source
        if "\n" not in source:
            with open(source, encoding="utf-8") as f:
                text = f.read()
        if name is None:
            for line in text.splitlines():
                if line.startswith("name:"):
                    name = line.split(":", 1)[1].strip().strip("'\"")
                    break
        if not name:
            raise ValueError("the pipeline file has no top-level 'name:' line; pass name=")
        return self._client._request("PUT", self._client._project_path("pipelines", name), json={"source": text})

    def get(self, name):
        """A pipeline: its ``spec`` and whether it is ``paused``."""
        return self._client._request("GET", self._client._project_path("pipelines", name))

    def run(self, name, parameters=None):
        """Starts a run with the given parameters (defaults for the rest) and returns it at once.

        Raises:
            ApiError: 400 ``PIPELINE_PARAMETERS_INVALID`` for an unknown, missing or mistyped parameter.
        """
        return self._client._request("POST", self._client._project_path("pipelines", name + ":run"), json={"parameters": parameters or {}})

    def get_run(self, run_id):
        """A run, by its id or its name."""
        return self._client._request("GET", self._client._project_path("pipelineRuns", run_id.rsplit("/", 1)[-1]))

    def wait(self, run, timeout=3600, poll=1.0):
        """Polls a run (a dict, id or name) until it ends and returns it; its ``state`` says how it ended.

        Raises:
            PipelineRunTimeout: the run had not ended after ``timeout`` seconds (it goes on).
        """
        run_id = run["runId"] if isinstance(run, dict) else run
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = self.get_run(run_id)
            if last["state"] in ENDED:
                return last
            if time.monotonic() > deadline:
                raise PipelineRunTimeout(run_id, timeout, last)
            time.sleep(poll)

    def cancel(self, run_id):
        """Cancels a run; returns it."""
        return self._client._request("POST", self._client._project_path("pipelineRuns", run_id.rsplit("/", 1)[-1] + ":cancel"))

    def retry(self, run_id, from_failed=False):
        """Runs an ended run again: every step, or only the failed ones with ``from_failed=True``."""
        return self._client._request("POST", self._client._project_path("pipelineRuns", run_id.rsplit("/", 1)[-1] + ":retry"), json={"fromFailed": bool(from_failed)})

    def approve(self, run_id, step):
        """Approves a waiting approval step."""
        return self._client._request("POST", self._client._project_path("pipelineRuns", run_id.rsplit("/", 1)[-1] + ":approve"), json={"step": step})
