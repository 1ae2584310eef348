import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { RougeError, validateValue } from '../platform/index.js';
import * as errors from './errors.js';
import { VersionMetadata as MetadataSchema } from './schemas.js';
import type { VersionMetadata } from './version-service.js';

/** Slack over the artifact limit for the metadata part and multipart framing. */
const FRAMING_BYTES = 1024 * 1024;

/**
 * Reads an upload's parts in order: the `metadata` JSON part must come first
 * (so a bad request is refused before any artifact byte is stored) and the
 * optional `artifact` file part after it, handed over as a stream. A declared
 * Content-Length over the limit is refused before the body is read at all.
 */
export async function readUpload(
  request: FastifyRequest,
  maxArtifactBytes: number,
  consume: (meta: VersionMetadata, artifact: Readable | undefined) => Promise<unknown>,
): Promise<unknown> {
  try {
    return await readParts(request, maxArtifactBytes, consume);
  } catch (e) {
    throw asMultipartError(e);
  }
}

/**
 * The parser's refusals of a body that is not well-formed multipart (truncated,
 * no final boundary, no or a wrong `boundary=`) are the client's error, a 400,
 * not a 500; everything else (our own errors, the store's) passes through.
 */
function asMultipartError(e: unknown): unknown {
  if (e instanceof RougeError) return e;
  const err = e as { code?: string; message?: string };
  const message = String(err?.message ?? '');
  if ((typeof err?.code === 'string' && err.code.startsWith('FST_')) || /unexpected end of (form|multipart)|malformed|boundary|multipart/i.test(message)) {
    return errors.MULTIPART_INVALID({ why: `the body is not well-formed multipart (${message.slice(0, 200) || err.code})` });
  }
  return e;
}

async function readParts(
  request: FastifyRequest,
  maxArtifactBytes: number,
  consume: (meta: VersionMetadata, artifact: Readable | undefined) => Promise<unknown>,
): Promise<unknown> {
  if (!request.isMultipart()) throw errors.MULTIPART_INVALID({ why: `Content-Type is ${request.headers['content-type'] ?? '(none)'}` });
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxArtifactBytes + FRAMING_BYTES) throw errors.ARTIFACT_TOO_LARGE({ limit: maxArtifactBytes });
  // One byte over the limit reaches the staging counter, which refuses it with 413 before any version is written.
  // Two files at most: a metadata part sent as a file (browsers' FormData) and the artifact.
  const parts = request.parts({ limits: { fileSize: maxArtifactBytes + 1, files: 2, fields: 1, fieldSize: FRAMING_BYTES, parts: 2 } });
  const first = await parts.next();
  if (first.done) throw errors.MULTIPART_INVALID({ why: 'the body has no parts' });
  const part = first.value;
  if (part.fieldname !== 'metadata') {
    throw errors.MULTIPART_INVALID({ why: `the first part is ${part.type === 'file' ? 'a file' : 'a field'} named ${JSON.stringify(part.fieldname)}; the metadata part must come first` });
  }
  // Browsers' FormData sends a Blob as a file part with a filename: read it as the metadata all the same.
  let parsed: unknown;
  if (part.type === 'file') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > FRAMING_BYTES) throw errors.MULTIPART_INVALID({ why: `the metadata part is over ${FRAMING_BYTES} bytes` });
      chunks.push(chunk);
    }
    parsed = Buffer.concat(chunks).toString('utf8');
  } else {
    if (part.valueTruncated) throw errors.MULTIPART_INVALID({ why: `the metadata part is over ${FRAMING_BYTES} bytes` });
    // @fastify/multipart already parses a part sent as application/json; a plain text part is parsed here.
    parsed = part.value;
  }
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch (e) {
      throw errors.MULTIPART_INVALID({ why: `the metadata part is not JSON (${(e as Error).message})` });
    }
  }
  const meta = validateValue<VersionMetadata>(MetadataSchema, parsed, 'metadata');
  const second = await parts.next();
  if (second.done) return consume(meta, undefined);
  const file = second.value;
  if (file.type !== 'file' || file.fieldname !== 'artifact') throw errors.MULTIPART_INVALID({ why: `the second part is named ${JSON.stringify(file.fieldname)}, not "artifact"` });
  const result = await consume(meta, file.file);
  if (file.file.truncated) throw errors.ARTIFACT_TOO_LARGE({ limit: maxArtifactBytes });
  return result;
}
