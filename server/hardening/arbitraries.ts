/**
 * fast-check arbitraries made from a route's or a message's own JSON Schema: values that pass the
 * schema (so requests reach the handlers and the database), values near its limits, and values that
 * are wrong in one place (a field of the wrong type, missing, prototype keys, hostile text).
 */
import fc from 'fast-check';
import type { JsonSchema } from './api-routes.ts';

/** Real values for fields by name (a slug, an id of a thing that exists), so requests hit real records. */
export type Hints = (field: string) => fc.Arbitrary<unknown> | undefined;

/** Text that has broken servers: NUL, lone surrogates, controls, bidi, long graphemes, injection-looking text. */
export const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF',
  '\u202Egnp.exe',
  '\u200B',
  '\r\n\t',
  '%00',
  '%',
  '..',
  '../../etc/passwd',
  "'; drop table users; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '${7*7}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  'Ω≈ç√∫˜µ≤≥÷',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'ä̸̢̛̜̠̹̦̞͍͈̩̣̙͖̙̺̥̬̜͉͂͋̍̿̈́͐̑̑͝',
  'Ⓐⓤⓚⓘⓞ',
  '９９９',
  'ﷺ',
  '\\',
  '"',
];

/**
 * Characters that change how the text around them shows or show as nothing: bidi embeddings,
 * overrides, isolates and marks, zero-width characters, controls (C0, C1), blank letters,
 * private use and a lone surrogate. A display name must never keep one.
 */
export const invisibleCharacters = [
  '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u0000', '\u0007', '\t', '\n', '\u001B', '\u007F', '\u0085', '\u009B',
  '\u3164', '\u115F', '\uFFA0', '\u2800', '\uE000', '\uD800',
];

/** `base` with one to three invisible characters put in anywhere, or made of nothing else. */
export function withInvisible(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const inserted = fc.tuple(base, fc.array(fc.tuple(fc.constantFrom(...invisibleCharacters), fc.nat()), { minLength: 1, maxLength: 3 })).map(([text, marks]) =>
    marks.reduce((s, [c, at]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + c + s.slice(i);
    }, text),
  );
  const only = fc.array(fc.constantFrom(...invisibleCharacters), { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''));
  return fc.oneof(inserted, only);
}

/** Passwords a guesser tries first: repeated, along the keyboard, a common word with a little decoration. */
export const weakPasswords = fc.oneof(
  fc.tuple(fc.constantFrom(...'a1x!ö'), fc.integer({ min: 10, max: 40 })).map(([c, n]) => c.repeat(n)),
  fc.constantFrom('1234567890', '0987654321', 'qwertyuiop', 'asdfghjklöä', 'abcdefghijk', 'qwerty123456', 'zxcvbnm12345'),
  fc.tuple(fc.constantFrom('password', 'salasana', 'sunshine', 'iloveyou', 'dragon', 'aukio', 'letmein'), fc.stringMatching(/^[0-9!?]{1,4}$/), fc.boolean()).map(
    ([word, tail, capital]) => `${capital ? word[0]!.toUpperCase() + word.slice(1) : word}${tail}`,
  ),
);

const boundaryNumbers = [0, -0, -1, 1, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, 1e-7];

/** Dates at the edges of what JSON Schema, JavaScript and PostgreSQL each accept. */
export const extremeDates = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2016-12-31T23:59:60Z',
  '2024-02-29T12:00:00+14:00',
  '2023-02-29T12:00:00Z',
  '1970-01-01T00:00:00.000001Z',
  '2024-06-01T12:00:00-23:59',
];

const stringLimit = 64;

const textUnits = fc.constantFrom('grapheme', 'grapheme-ascii', 'binary', 'binary-ascii');

/** Any text up to `max` code points, weighted towards short and hostile strings and the exact limit. */
export function text(min = 0, max = stringLimit): fc.Arbitrary<string> {
  const cap = Math.max(min, Math.min(max, stringLimit));
  const fits = (s: string) => [...s].length >= min && [...s].length <= max;
  const choices: fc.Arbitrary<string>[] = [
    textUnits.chain((unit) => fc.string({ unit, minLength: min, maxLength: cap })),
    fc.constantFrom(...hostileStrings.filter(fits)),
  ];
  if (max <= 100_000 && max > stringLimit) choices.push(fc.constant('ä'.repeat(max)));
  return fc.oneof(...choices);
}

const lengthOk = (schema: JsonSchema) => (s: string) => {
  const n = [...s].length;
  return n >= (schema.minLength ?? 0) && n <= (schema.maxLength ?? Infinity);
};

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress().filter(lengthOk(schema));
    case 'date-time':
      return fc.oneof(
        { arbitrary: fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2300-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()), weight: 4 },
        { arbitrary: fc.constantFrom(...extremeDates), weight: 1 },
      );
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    // An anchored pattern is a whole grammar: generate from it. A loose one (`\S`) only narrows free text.
    if (schema.pattern.startsWith('^')) return fc.stringMatching(pattern).filter(lengthOk(schema));
    return text(schema.minLength, schema.maxLength).filter((s) => pattern.test(s));
  }
  return text(schema.minLength, schema.maxLength);
}

/** Values the schema accepts; `field` names the value for `hints`. */
export function valid(schema: JsonSchema, hints: Hints = () => undefined, field = ''): fc.Arbitrary<unknown> {
  const hinted = hints(field);
  const plain = validIgnoringHints(schema, hints, field);
  return hinted ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
}

function validIgnoringHints(schema: JsonSchema, hints: Hints, field: string): fc.Arbitrary<unknown> {
  if (schema.nullable) return fc.oneof(validIgnoringHints({ ...schema, nullable: false }, hints, field), fc.constant(null));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => valid(s, hints, field)));
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? valid(schema.items, hints, field) : fc.jsonValue();
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)) };
      return schema.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints);
    }
    case 'object':
      return objectFor(schema, hints);
  }
  return fc.jsonValue({ maxDepth: 2 });
}

function objectFor(schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valid(s, hints, name)]));
  const known = fc.record(model, { requiredKeys: [...(schema.required ?? [])] }) as fc.Arbitrary<Record<string, unknown>>;
  const patterned = Object.entries(schema.patternProperties ?? {}).map(([pattern, s]) =>
    fc.dictionary(fc.stringMatching(new RegExp(pattern, 'u')), valid(s, hints), { maxKeys: 4 }),
  );
  const merged = patterned.length === 0 ? known : fc.tuple(known, ...patterned).map((parts) => Object.assign({}, ...parts) as Record<string, unknown>);
  const min = schema.minProperties ?? 0;
  return min > 0 ? merged.filter((o) => Object.keys(o).length >= min) : merged;
}

/** A value of the wrong kind: any JSON, hostile text, numbers at and past every limit, deep or wide structures. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(...boundaryNumbers),
  fc.constantFrom(null, true, false, [], {}, [[[[[[[[[[[]]]]]]]]]]], 'x'.repeat(70_000)),
  fc.array(fc.constant('y'), { minLength: 200, maxLength: 600 }),
);

/** Keys that have polluted prototypes elsewhere; set as own properties so JSON.stringify writes them. */
const pollutingKeys = ['__proto__', 'constructor', 'prototype'] as const;

function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

type Path = (string | number)[];

function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [at];
  const children = Array.isArray(value) ? value.map((v, i) => pathsOf(v, [...at, i])) : Object.entries(value).map(([k, v]) => pathsOf(v, [...at, k]));
  return [at, ...children.flat()];
}

function replaceAt(value: unknown, path: Path, replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replace) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head as string]: replaceAt(record[head as string], rest, replace) };
}

const removed = Symbol('removed');
const dropRemoved = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((v) => v !== removed).map(dropRemoved);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== removed).map(([k, v]) => [k, dropRemoved(v)]));
};

/** One change somewhere in a value: a wrong value, a missing field, an extra or prototype key. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  return fc.constantFrom(...pathsOf(value)).chain((path) =>
    fc.oneof(
      wrongValue.map((wrong) => replaceAt(value, path, () => wrong)),
      fc.constant(path.length > 0 ? dropRemoved(replaceAt(value, path, () => removed)) : undefined),
      fc.tuple(fc.constantFrom(...pollutingKeys, 'isAdmin', 'role', 'extra'), wrongValue).map(([key, extra]) =>
        replaceAt(value, path, (old) => (old !== null && typeof old === 'object' && !Array.isArray(old) ? withOwnKey(old as Record<string, unknown>, key, extra) : old)),
      ),
    ),
  );
}

/** Mostly valid values (they reach the code that uses them), often one mutation away, sometimes anything. */
export function fuzzed(schema: JsonSchema, hints: Hints = () => undefined): fc.Arbitrary<unknown> {
  const good = valid(schema, hints);
  return fc.oneof(
    { arbitrary: good, weight: 4 },
    { arbitrary: good.chain(mutate), weight: 4 },
    { arbitrary: wrongValue, weight: 1 },
  );
}
