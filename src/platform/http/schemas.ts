import { Type } from 'typebox';

/** Pattern of a project name (also its id in paths). No dots: OIP model names use `{project}.{endpoint}`. */
export const PROJECT_NAME_PATTERN = '^[a-z][a-z0-9-]{1,62}$';

/** A project name in a body or path. */
export const ProjectName = Type.String({
  pattern: PROJECT_NAME_PATTERN,
  description: 'lower-case letters, digits and hyphens, starting with a letter, 2 to 63 characters',
});

/** A human-readable name (Vertex allows up to 128 characters). */
export const DisplayName = Type.String({ minLength: 1, maxLength: 128, description: '1 to 128 characters' });

/** RFC 3339 timestamp as returned by the API. */
export const Timestamp = Type.String({ format: 'date-time' });

/** The empty body of a successful delete (google.protobuf.Empty). */
export const Empty = Type.Object({});
