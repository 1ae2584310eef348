/**
 * The demo's re-ranking model: a logistic regression over the seven
 * re-ranking features (src/placements/rerank.ts), input `features` FP32
 * [-1, 7], output `score` [-1, 1]. It leans on the shopper's affinity to the
 * item's category and on popularity, which is how the demo's simulated
 * shoppers click (src/demo/experiment.ts), so the experiment's report shows
 * the re-ranked variant ahead. Embedded as bytes because the demo ships in
 * dist/ with no ONNX tooling; test/demo-ranker.test.ts rebuilds it with the
 * test fixtures' ONNX builder and checks the bytes are the same.
 */
export const RANKER_WEIGHTS = { weights: [1, 1.5, 0.2, -0.3, 0.5, 3, -1], bias: -2, inputName: 'features', outputName: 'score' } as const;

export const RANKER_ONNX = Buffer.from(
  'CAgSEnJvdWdlLW9ubngtYnVpbGRlcjIjTG9naXN0aWMgcmVncmVzc2lvbiBvdmVyIDcgZmVhdHVyZXM6hAIKKgoIZmVhdHVyZXMKAVcSCWxvZ2l0X3JhdxoGbWF0bXVsIgZNYXRNdWw6AAomCglsb2dpdF9yYXcKAUISBWxvZ2l0GghhZGRfYmlhcyIDQWRkOgAKIgoFbG9naXQSBXNjb3JlGgdzaWdtb2lkIgdTaWdtb2lkOgASE2xvZ2lzdGljX3JlZ3Jlc3Npb24qJwgHCAEQAUIBV0ocAACAPwAAwD/NzEw+mpmZvgAAAD8AAEBAAACAvyoNCAEQAUIBQkoEAAAAwFofCghmZWF0dXJlcxITChEIARINCgcSBWJhdGNoCgIIB2IcCgVzY29yZRITChEIARINCgcSBWJhdGNoCgIIAUIECgAQDQ==',
  'base64',
);
