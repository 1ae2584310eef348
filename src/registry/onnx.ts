import * as ort from 'onnxruntime-node';
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

/**
 * Loads the file with onnxruntime-node, exactly as serving will, and reads its
 * signature: names, element types and shapes of inputs and outputs. A file the
 * runtime cannot load is refused at upload with ARTIFACT_INVALID.
 */
export async function inspectOnnx(path: string): Promise<{ signature: Signature }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path);
  } catch (e) {
    // The staging path means nothing to the uploader; keep the runtime's reason only.
    const why = ((e as Error).message ?? String(e)).split('\n')[0]!.split(path).join('the artifact').slice(0, 300);
    throw errors.ARTIFACT_INVALID({ framework: 'onnx', why: `onnxruntime cannot load it (${why})` });
  }
  try {
    const meta = session as unknown as { inputMetadata?: OrtValueMetadata[]; outputMetadata?: OrtValueMetadata[] };
    const inputs = meta.inputMetadata ?? session.inputNames.map((name) => ({ name, isTensor: true }));
    const outputs = meta.outputMetadata ?? session.outputNames.map((name) => ({ name, isTensor: true }));
    return { signature: { inputs: inputs.map(toSpec), outputs: outputs.map(toSpec) } };
  } finally {
    await session.release();
  }
}
