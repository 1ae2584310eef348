import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { validateValue } from '../platform/index.js';
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
  if (!request.isMultipart()) throw errors.MULTIPART_INVALID({ why: `Content-Type is ${request.headers['content-type'] ?? '(none)'}` });
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxArtifactBytes + FRAMING_BYTES) throw errors.ARTIFACT_TOO_LARGE({ limit: maxArtifactBytes });
  // One byte over the limit reaches the staging counter, which refuses it with 413 before any version is written.
  const parts = request.parts({ limits: { fileSize: maxArtifactBytes + 1, files: 1, fields: 1, fieldSize: FRAMING_BYTES, parts: 2 } });
  const first = await parts.next();
  if (first.done) throw errors.MULTIPART_INVALID({ why: 'the body has no parts' });
  const part = first.value;
  if (part.type !== 'field' || part.fieldname !== 'metadata') {
    throw errors.MULTIPART_INVALID({ why: `the first part is ${part.type === 'file' ? 'a file' : 'a field'} named ${JSON.stringify(part.fieldname)}; the metadata part must come first` });
  }
  // @fastify/multipart already parses a part sent as application/json; a plain text part is parsed here.
  let parsed: unknown = part.value;
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
