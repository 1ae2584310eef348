import { Type } from 'typebox';
import { PageQuery } from './pagination.js';

/**
 * A Vertex AI location segment. Rouge has no regions: every location names
 * the same resources, so clients configured for `us-central1` or
 * `europe-west4` reach them unchanged.
 */
export const LocationName = Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'a Vertex AI location such as us-central1; Rouge has no regions, so any location names the same resources' });

/**
 * The query of a Vertex-form list: paging, plus what Google's generated
 * clients add (`$alt=json;enum-encoding=int` in REST fallback, a `readMask`
 * Rouge answers in full). Anything else is refused by name.
 */
export const VertexListQuery = Type.Object(
  { ...PageQuery, $alt: Type.Optional(Type.String({ maxLength: 100 })), readMask: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

/** The query of a Vertex-form get: only what generated clients add. */
export const VertexGetQuery = Type.Object({ $alt: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });

/** `projects/{p}/...` as Vertex names it, with the location the caller used. */
export function withLocation(name: string, location: string): string {
  return name.replace(/^(projects\/[^/]+)\//, `$1/locations/${location}/`);
}
