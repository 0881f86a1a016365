import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: true, allErrors: false, strict: false });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are JSON and must carry the right types: 123 for a string field is an error, not "123".
// Query strings and path parameters are text by nature and are coerced.
const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

// PostgreSQL stores neither NUL in text nor a lone surrogate in JSON: such input is refused here,
// as invalid, rather than failing in the database as a server error.
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first unstorable string (or key) in a value. Iterative: a 64 KB frame can nest
 * tens of thousands of arrays deep, more than the call stack holds.
 */
const firstStorableTime = Date.parse('0001-01-01T00:00:00Z');

/**
 * A date PostgreSQL stores: JSON Schema's date-time admits year 0 and a leap second, which become
 * an invalid or a year-0 Date here and a database error there.
 */
export function isStorableDate(date: Date): boolean {
  return date.getTime() >= firstStorableTime;
}

function unstorablePath(root: unknown): string | null {
  const stack: [unknown, string][] = [[root, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (unstorable.test(value)) return path;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    // Pushed in reverse, so the first field is looked at first.
    for (const [key, item] of Object.entries(value).reverse()) {
      const where = `${path}/${key}`;
      if (unstorable.test(key)) return where;
      stack.push([item, where]);
    }
  }
  return null;
}

function storableOnly(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => {
    const path = unstorablePath(data);
    if (path !== null) {
      check.errors = [{ instancePath: path, schemaPath: '#', keyword: 'storable', params: {}, message: 'must not contain NUL or unpaired surrogate characters' }];
      return false;
    }
    const ok = validate(data);
    check.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return check;
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  storableOnly((httpPart === 'body' ? bodyAjv : textAjv).compile(schema));

/** A validator for a JSON message (a socket frame): no coercion, like a request body. */
export function compileMessageValidator(schema: object) {
  return storableOnly(bodyAjv.compile(schema));
}
