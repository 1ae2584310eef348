import { wilsonLower, wilsonUpper } from './calibration.js';

/** What the savings report assumes; each can be given on the request. */
export interface SavingsAssumptions {
  /** A person tagging an image from scratch (look, find the type in the taxonomy, type it in). */
  manualSecondsPerImage: number;
  /** A person confirming or correcting a proposal, one key per image. */
  reviewSecondsPerImage: number;
  hourlyLabourCost: number;
  /** The price of the CPU time the run used, per vCPU-hour. */
  vcpuHourCost: number;
  /** vCPUs the worker ran on. */
  vcpus: number;
}

export const SAVINGS_DEFAULTS: SavingsAssumptions = { manualSecondsPerImage: 30, reviewSecondsPerImage: 5, hourlyLabourCost: 15, vcpuHourCost: 0.04, vcpus: 2 };

/**
 * List prices in USD per 1,000 images for label detection, checked 2026:
 * Cloud Vision LABEL_DETECTION, 1,001 to 5,000,000 units a month (the first
 * 1,000 are free); Rekognition DetectLabels, the first million images a month.
 * Neither knows a merchant's product types without a custom model, which
 * costs more (AutoML, Custom Labels).
 */
export const LIST_PRICES = { cloudVisionLabelDetection: 1.5, rekognitionDetectLabels: 1.0 } as const;

export interface RunFigures {
  processed: number;
  classified: number;
  autoAccepted: number;
  /** Seconds from the run's start to its end (or now). */
  seconds: number;
  tasks: Array<{ kind: string; state: string; decision: string | null; n: number }>;
}

/**
 * A run's savings: how much of the tagging needed no person, how precise the
 * auto-accepted tags measured (from the audited sample, with a 95% Wilson
 * interval: precision is measured, not assumed), the manual work avoided,
 * and the cost per 1,000 images next to the cloud APIs' list prices.
 */
export function savingsReport(f: RunFigures, a: SavingsAssumptions) {
  const count = (kind: string, pred: (t: RunFigures['tasks'][number]) => boolean) => f.tasks.filter((t) => t.kind === kind && pred(t)).reduce((s, t) => s + t.n, 0);
  const uncertain = count('uncertain', () => true);
  const audited = count('audit', () => true);
  const auditReviewed = count('audit', (t) => t.state === 'resolved');
  const auditConfirmed = count('audit', (t) => t.decision === 'accept');
  const reviewedUncertain = count('uncertain', (t) => t.state === 'resolved');
  const share = (n: number) => (f.classified ? round(n / f.classified) : 0);
  const withoutRouge = (f.classified * a.manualSecondsPerImage) / 3600;
  const withRouge = ((uncertain + audited) * a.reviewSecondsPerImage) / 3600;
  const compute = (f.seconds * a.vcpus * a.vcpuHourCost) / 3600;
  const perThousand = (x: number) => (f.processed ? round((1000 * x) / f.processed) : 0);
  return {
    imagesProcessed: f.processed,
    classified: f.classified,
    autoAccepted: f.autoAccepted,
    autoAcceptedShare: share(f.autoAccepted),
    sentToReview: uncertain,
    sentToReviewShare: share(uncertain),
    audit: {
      sampled: audited,
      reviewed: auditReviewed,
      confirmed: auditConfirmed,
      ...(auditReviewed > 0 ? { measuredPrecision: round(auditConfirmed / auditReviewed), interval95: [round(wilsonLower(auditConfirmed, auditReviewed, 1.96)), round(wilsonUpper(auditConfirmed, auditReviewed, 1.96))] } : {}),
    },
    reviewQueue: { pending: uncertain + audited - reviewedUncertain - auditReviewed, resolved: reviewedUncertain + auditReviewed },
    manualWorkAvoided: { hours: round(withoutRouge - withRouge), share: withoutRouge ? round(1 - withRouge / withoutRouge) : 0, cost: round((withoutRouge - withRouge) * a.hourlyLabourCost) },
    costPer1000Images: {
      rouge: { compute: perThousand(compute), review: perThousand(withRouge * a.hourlyLabourCost), total: perThousand(compute + withRouge * a.hourlyLabourCost) },
      manual: perThousand(withoutRouge * a.hourlyLabourCost),
      cloudVisionLabelDetection: LIST_PRICES.cloudVisionLabelDetection,
      rekognitionDetectLabels: LIST_PRICES.rekognitionDetectLabels,
      currency: 'USD',
    },
    assumptions: a,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
