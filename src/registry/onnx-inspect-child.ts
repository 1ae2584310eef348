/**
 * Loads one ONNX file and prints its signature as JSON on stdout. Run as a
 * child process by inspectOnnx, so the memory the runtime needs to load a
 * large model (about twice its size) and any crash in parsing an untrusted
 * file stay out of the API process.
 */
import * as ort from 'onnxruntime-node';

const path = process.argv[2]!;
try {
  const session = await ort.InferenceSession.create(path);
  const meta = session as unknown as { inputMetadata?: unknown[]; outputMetadata?: unknown[] };
  const out = {
    ok: true,
    inputs: meta.inputMetadata ?? session.inputNames.map((name) => ({ name, isTensor: true })),
    outputs: meta.outputMetadata ?? session.outputNames.map((name) => ({ name, isTensor: true })),
  };
  await session.release();
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: ((e as Error).message ?? String(e)).split('\n')[0] }));
}
