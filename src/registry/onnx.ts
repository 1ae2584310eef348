import { spawn } from 'node:child_process';
import * as errors from './errors.js';
import type { Signature, TensorSpec } from './frameworks.js';

// onnxruntime-node element types -> Open Inference Protocol datatypes.
const OIP_TYPES: Record<string, string> = {
  float32: 'FP32', float64: 'FP64', float16: 'FP16', int8: 'INT8', uint8: 'UINT8', int16: 'INT16', uint16: 'UINT16',
  int32: 'INT32', uint32: 'UINT32', int64: 'INT64', uint64: 'UINT64', bool: 'BOOL', string: 'BYTES',
};

interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: Array<number | string>;
}

function toSpec(m: OrtValueMetadata): TensorSpec {
  return {
    name: m.name,
    datatype: (m.type && OIP_TYPES[m.type]) ?? (m.type ?? 'UNKNOWN').toUpperCase(),
    // Named or unnamed dynamic dimensions ('batch', '') become -1, as OIP metadata shows them.
    shape: (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

/** How long loading one artifact may take before the upload is refused. */
const INSPECT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The child's program, run with `node --input-type=module -e`: the same code
 * from the TypeScript sources (tests) and from `dist`, with no loader to find.
 * onnxruntime-node is imported by the URL this module resolves, so the child
 * finds it whatever its working directory. Its stdin is a pipe from the
 * parent: when the parent dies (even by kill -9) the pipe closes and the
 * child exits instead of loading on for minutes.
 */
const CHILD = (ortUrl: string) => `
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();
const ort = await import(${JSON.stringify(ortUrl)});
const path = process.argv[1];
let out;
try {
  const session = await ort.InferenceSession.create(path);
  out = {
    ok: true,
    inputs: session.inputMetadata ?? session.inputNames.map((name) => ({ name, isTensor: true })),
    outputs: session.outputMetadata ?? session.outputNames.map((name) => ({ name, isTensor: true })),
  };
  await session.release();
} catch (e) {
  out = { ok: false, error: String(e?.message ?? e).split('\\n')[0] };
}
process.stdout.write(JSON.stringify(out), () => process.exit(0));
`;

function runChild(path: string): Promise<{ ok: boolean; error?: string; inputs?: OrtValueMetadata[]; outputs?: OrtValueMetadata[] }> {
  const source = CHILD(import.meta.resolve('onnxruntime-node'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source, path], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), INSPECT_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      try {
        resolve(JSON.parse(out) as never);
      } catch {
        resolve({ ok: false, error: `the runtime stopped while loading it (${signal ?? `exit code ${code}`})` });
      }
    });
  });
}

/**
 * Loads the file with onnxruntime-node, exactly as serving will, and reads its
 * signature: names, element types and shapes of inputs and outputs. A file the
 * runtime cannot load is refused at upload with ARTIFACT_INVALID. The load runs
 * in a child process: it needs about twice the model's size in memory, which
 * the API process should not carry, and a malformed file must not crash it.
 */
export async function inspectOnnx(path: string): Promise<{ signature: Signature }> {
  const result = await runChild(path);
  if (!result.ok) {
    // The staging path means nothing to the uploader; keep the runtime's reason only.
    const why = (result.error ?? 'unknown error').split(path).join('the artifact').slice(0, 300);
    throw errors.ARTIFACT_INVALID({ framework: 'onnx', why: `onnxruntime cannot load it (${why})` });
  }
  return { signature: { inputs: (result.inputs ?? []).map(toSpec), outputs: (result.outputs ?? []).map(toSpec) } };
}
