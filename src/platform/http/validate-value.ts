import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import { nulError, nulPointer } from './nul.js';
import { fromValidation, type AjvError } from './to-rouge-error.js';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);
const ajv = addFormats(new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, verbose: true, strict: false, coerceTypes: false }));
const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>();

/**
 * Validates a value that did not arrive as a JSON body (a multipart `metadata`
 * part, a JSONL line) against a TypeBox schema, raising the same errors, with
 * the same reasons and field paths, as route validation does.
 *
 * @example
 * const meta = validateValue(VersionMetadata, JSON.parse(part.value), 'metadata');
 */
export function validateValue<T>(schema: TSchema, value: unknown, context: string): T {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema as object)));
  if (!validate(value)) throw fromValidation(validate.errors as unknown as AjvError[], context);
  const pointer = nulPointer(value);
  if (pointer !== undefined) throw fromValidation([nulError(pointer)], context);
  return value as T;
}
