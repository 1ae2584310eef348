import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { nulError, nulPointer } from './nul.js';

// ajv-formats ships CommonJS with a default export that ESM sees one level down.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    // Unknown fields are errors, not silently dropped: Fastify's default
    // `removeAdditional` would hide a client's typo.
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    verbose: true,
    strict: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Validator compiler with two Ajv instances: bodies are validated strictly
 * (a number is not a string), while path and query strings are coerced, since
 * every value there arrives as text.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv({ coerceTypes: false });
  const coercing = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const validate = ajv.compile(schema as object);
    // A schema marked 'x-allow-nul' checks its own strings (prediction inputs, where BYTES is the model's business).
    return ((schema as Record<string, unknown>)['x-allow-nul'] === true ? validate : refuseNul(validate)) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/**
 * Wraps a compiled validator so a value that passes its schema but holds a NUL
 * character in any string fails like a schema error, naming the field.
 */
export function refuseNul<F extends ((data: unknown) => boolean) & { errors?: unknown }>(validate: F): F {
  const wrapped = ((data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors;
      return false;
    }
    const pointer = nulPointer(data);
    if (pointer === undefined) {
      wrapped.errors = null;
      return true;
    }
    wrapped.errors = [nulError(pointer)];
    return false;
  }) as unknown as F & { errors?: unknown };
  return wrapped;
}
