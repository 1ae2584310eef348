/** A tagging run's Operation, as GET .../operations?kind=tagging.run lists it (src/platform/jobs/operation.ts). */
export interface RunOperation {
  name: string;
  done: boolean;
  metadata: { kind: string; state: string; progress?: RunProgress; createTime: string; updateTime: string; endTime?: string };
  error?: { code: number; message: string };
  /** A succeeded run's summary (src/tagging/runner.ts): tagger and classifier figures only when a tagger ran. */
  response?: { processed?: number; errors?: number; duplicates?: number; tagger?: string; classified?: number; autoAccepted?: number; sentToReview?: number; audited?: number } | null;
}

export interface RunProgress { processed?: number; total?: number; errors?: number }

/** GET .../tagging/runs/{run}. */
export interface Run {
  name: string;
  runId: string;
  state: string;
  done: boolean;
  progress?: RunProgress;
  counts: { ok: number; errors: number };
  createTime: string;
  updateTime: string;
  endTime?: string;
}

/** One item of GET .../tagging/runs/{run}/results. */
export interface RunResult {
  itemId: string;
  status: 'ok' | 'error' | string;
  checks: Array<{ name: string; passed: boolean; detail: string }>;
  tags: Array<{ name: string; value: string; confidence?: number }>;
  error?: { code: string; message: string };
}

/** GET .../tagging/runs/{run}/savings (src/tagging/classifier/savings.ts). */
export interface Savings {
  runId: string;
  imagesProcessed: number;
  classified: number;
  autoAccepted: number;
  autoAcceptedShare: number;
  sentToReview: number;
  sentToReviewShare: number;
  audit: { sampled: number; reviewed: number; confirmed: number; measuredPrecision?: number; interval95?: [number, number] };
  reviewQueue: { pending: number; resolved: number };
  manualWorkAvoided: { hours: number; share: number; cost: number };
  costPer1000Images: {
    rouge: { compute: number; review: number; total: number };
    manual: number;
    cloudVisionLabelDetection: number;
    rekognitionDetectLabels: number;
    currency: string;
  };
  assumptions: Assumptions;
}

export interface Assumptions {
  manualSecondsPerImage: number;
  reviewSecondsPerImage: number;
  hourlyLabourCost: number;
  vcpuHourCost: number;
  vcpus: number;
}
