"""The peer of the serving benchmark: FastAPI + uvicorn + scikit-learn.

What a data-science team runs today to serve a logistic regression: a
FastAPI app with a pydantic request model, scikit-learn's
LogisticRegression.predict_proba, uvicorn with uvloop and httptools, one
worker, log level warning.

Run with Debian's interpreter (the packages python3-fastapi python3-uvicorn
python3-sklearn python3-uvloop python3-httptools install there, not into the
PATH's pyenv python3):

    /usr/bin/python3 bench/servers/sklearn_server.py --port 8100 --weights weights.json

weights.json holds the model's parameters exactly as the ONNX model stores
them: the little-endian float32 bytes of its W [features, 1] and B [1]
initializers, base64-encoded ({"features", "W", "B"}). They are widened to
float64 without change and set as the estimator's coef_ and intercept_, with
classes_ [0, 1], so predict_proba(X)[:, 1] = sigmoid(X . W + B), the ONNX
graph's output, computed in float64.

POST /predict {"instances": [[f1, ..., fN], ...]} -> {"predictions": [p, ...]},
p the probability of class 1 for each instance (Vertex's shape, as Rouge's
:predict answers for this model). GET /health -> {"status": "ok"}.
"""

import argparse
import base64
import json
from typing import List

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.linear_model import LogisticRegression


def load_model(path: str) -> LogisticRegression:
    with open(path, "r", encoding="utf-8") as f:
        spec = json.load(f)
    features = int(spec["features"])
    w = np.frombuffer(base64.b64decode(spec["W"]), dtype="<f4").astype(np.float64)
    b = np.frombuffer(base64.b64decode(spec["B"]), dtype="<f4").astype(np.float64)
    if w.shape != (features,) or b.shape != (1,):
        raise SystemExit(f"weights file: expected {features} weights and 1 bias, got {w.shape} and {b.shape}")
    model = LogisticRegression()
    model.coef_ = w.reshape(1, features)
    model.intercept_ = b
    model.classes_ = np.array([0, 1])
    model.n_features_in_ = features
    return model


class PredictRequest(BaseModel):
    instances: List[List[float]]


def build_app(model: LogisticRegression) -> FastAPI:
    app = FastAPI()

    # async def: the handler runs on the event loop. A plain def would run it in
    # anyio's thread pool, which costs a thread hop per request; async is the
    # faster of the two on one core, so the peer is measured at its best.
    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.post("/predict")
    async def predict(request: PredictRequest):
        x = np.asarray(request.instances, dtype=np.float64)
        return {"predictions": model.predict_proba(x)[:, 1].tolist()}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--weights", required=True)
    args = parser.parse_args()
    app = build_app(load_model(args.weights))
    uvicorn.run(app, host=args.host, port=args.port, workers=1, loop="uvloop", http="httptools", log_level="warning")


if __name__ == "__main__":
    main()
