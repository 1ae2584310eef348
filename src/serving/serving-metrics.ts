import type { Registry } from 'prom-client';
import { FastCounter, FastHistogram, type CounterChild, type HistogramChild } from '../platform/index.js';

/**
 * Per endpoint and deployed model: requests by protocol and outcome, errors by
 * reason, latency, and the size of each batch the runtime ran.
 */
export class ServingMetrics {
  readonly requests: FastCounter<'endpoint' | 'deployed_model' | 'protocol' | 'code'>;
  readonly latency: FastHistogram<'endpoint' | 'deployed_model' | 'protocol'>;
  readonly batchSize: FastHistogram<'endpoint' | 'deployed_model'>;
  readonly logsDropped: FastCounter<'endpoint'>;

  constructor(registry: Registry) {
    this.requests = new FastCounter({ name: 'rouge_predict_requests_total', help: 'Prediction requests by endpoint, deployed model, protocol and reason (OK on success)', labelNames: ['endpoint', 'deployed_model', 'protocol', 'code'], registers: [registry] });
    this.latency = new FastHistogram({ name: 'rouge_predict_duration_seconds', help: 'Prediction latency inside Rouge (routing, tensors, runtime)', labelNames: ['endpoint', 'deployed_model', 'protocol'], buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
    this.batchSize = new FastHistogram({ name: 'rouge_predict_batch_size', help: 'Rows per runtime call (dynamic batching merges requests)', labelNames: ['endpoint', 'deployed_model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] });
    this.logsDropped = new FastCounter({ name: 'rouge_request_logs_dropped_total', help: 'Sampled request/response pairs dropped because the log buffer was full', labelNames: ['endpoint'], registers: [registry] });
  }

  /** The children one deployed model's requests update on one protocol: created once, reused per request. */
  forModel(endpoint: string, deployedModelId: string, protocol: 'vertex' | 'oip' | 'raw'): ModelMetrics {
    return {
      ok: this.requests.labels(endpoint, deployedModelId, protocol, 'OK'),
      latency: this.latency.labels(endpoint, deployedModelId, protocol),
      failed: (reason: string) => this.requests.labels(endpoint, deployedModelId, protocol, reason),
    };
  }
}

/** See `ServingMetrics.forModel`. */
export interface ModelMetrics {
  ok: CounterChild;
  latency: HistogramChild;
  failed(reason: string): CounterChild;
}
