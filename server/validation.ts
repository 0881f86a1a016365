import { Ajv } from 'ajv';
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

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);

/** A validator for a JSON message (a socket frame): no coercion, like a request body. */
export function compileMessageValidator(schema: object) {
  return bodyAjv.compile(schema);
}
