/**
 * Valid values for a field, read off its schema: what the loader puts in place of a broken field
 * so that the rules spanning fields can still run on the rest (see validate.ts). Values come from
 * the schema itself (booleans, enums, literals, the examples and enum lists of `oneOf` fields,
 * nested objects built from their required fields) or from a small pool of ordinary values
 * filtered through the field's own checks; each is validated by the schema before it is used.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** Ordinary values tried for strings and numbers that have no list of their own. */
const STRING_POOL = ['ab', 'web', 'media', 'tmp', 'x1', 'media.example.com', 'https://app.example.com', 'http://localhost:9000'];
const NUMBER_POOL = [1, 7, 30, 60, 600, 3600, 86400, 604800, 0];

/** The schema of the value at `path` below `schema`; undefined where the path leaves the schema or crosses a union whose branch it cannot tell. */
export function schemaAt(schema: Schema, path: ReadonlyArray<string | number>): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const part of path) {
    node = node === undefined ? undefined : childSchema(unwrap(node), part);
  }
  return node;
}

/** The schema under optional, nullable, default and pipe wrappers: what a present value is checked against. */
function unwrap(schema: Schema): Schema {
  const s = schema as z.core.$ZodTypes;
  switch (s._zod.def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return unwrap((s as z.core.$ZodOptional)._zod.def.innerType);
    case 'pipe':
      return unwrap((s as z.core.$ZodPipe)._zod.def.in);
    default:
      return schema;
  }
}

function childSchema(schema: Schema, part: string | number): Schema | undefined {
  const s = schema as z.core.$ZodTypes;
  switch (s._zod.def.type) {
    case 'object':
      return typeof part === 'string' && Object.hasOwn((s as z.core.$ZodObject)._zod.def.shape, part) ? (s as z.core.$ZodObject)._zod.def.shape[part] : undefined;
    case 'record':
      return (s as z.core.$ZodRecord)._zod.def.valueType;
    case 'array':
      return typeof part === 'number' ? (s as z.core.$ZodArray)._zod.def.element : undefined;
    case 'union': {
      // Into the one branch that is an object with this field; with none or several, stop at the union.
      const branches = (s as z.core.$ZodUnion)._zod.def.options.map(unwrap).filter((o) => childSchema(o, part) !== undefined);
      return branches.length === 1 ? childSchema(branches[0], part) : undefined;
    }
    default:
      return undefined;
  }
}

/** The key schema of the record at `schema` (unwrapped), if it is one. */
export function recordKeySchema(schema: Schema): Schema | undefined {
  const s = unwrap(schema) as z.core.$ZodTypes;
  return s._zod.def.type === 'record' ? (s as z.core.$ZodRecord)._zod.def.keyType : undefined;
}

/**
 * Up to `count` distinct values `schema` accepts, spread over what it allows (the first, middle
 * and last of a list), with `undefined` (the default) first where the field may be left out.
 */
export function standIns(schema: Schema, count: number): unknown[] {
  // Schemas are module constants: their stand-ins are worked out once.
  const key = `${count}`;
  const known = cache.get(schema)?.get(key);
  if (known !== undefined) return known;
  const valid = spread(dedupe(candidates(schema, count)).filter((value) => z.safeParse(schema, value).success), count);
  cache.set(schema, (cache.get(schema) ?? new Map<string, unknown[]>()).set(key, valid));
  return valid;
}

const cache = new WeakMap<Schema, Map<string, unknown[]>>();

function candidates(schema: Schema, count: number): unknown[] {
  const s = schema as z.core.$ZodTypes;
  const def = s._zod.def;
  switch (def.type) {
    case 'optional':
      return [undefined, ...candidates((s as z.core.$ZodOptional)._zod.def.innerType, count)];
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return candidates((s as z.core.$ZodNullable)._zod.def.innerType, count);
    case 'pipe':
      return candidates((s as z.core.$ZodPipe)._zod.def.in, count);
    case 'boolean':
      return [false, true];
    case 'literal':
      return [...(s as z.core.$ZodLiteral)._zod.def.values];
    case 'enum':
      return Object.values((s as z.core.$ZodEnum)._zod.def.entries);
    case 'string':
      return listedOr(schema, STRING_POOL);
    case 'number':
      return listedOr(schema, NUMBER_POOL);
    case 'array':
      return [[], ...candidates((s as z.core.$ZodArray)._zod.def.element, 1).slice(0, 1).map((item) => [item])];
    case 'record':
      return [{}];
    case 'union':
      return (s as z.core.$ZodUnion)._zod.def.options.flatMap((option) => candidates(option, count));
    case 'object':
      return objectCandidates(s as z.core.$ZodObject, count);
    default:
      return [];
  }
}

/** The values a `oneOf` field lists (its enum), else its examples, else the ordinary values of its type. */
function listedOr(schema: Schema, pool: readonly unknown[]): unknown[] {
  const meta = z.globalRegistry.get(schema) as { enum?: unknown[]; examples?: unknown[] } | undefined;
  return [...(meta?.enum ?? meta?.examples ?? pool)];
}

/** Objects with every required field filled (the i-th with each field's i-th value), optional fields left out. */
function objectCandidates(schema: z.core.$ZodObject, count: number): unknown[] {
  const required = Object.entries(schema._zod.def.shape).filter(([, field]) => field._zod.optin !== 'optional');
  const values = required.map(([key, field]) => [key, standIns(field, count)] as const);
  if (values.some(([, options]) => options.length === 0)) return [];
  return Array.from({ length: Math.max(1, ...values.map(([, options]) => options.length)) }, (_, i) =>
    Object.fromEntries(values.map(([key, options]) => [key, options[i % options.length]])),
  );
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value === undefined ? 'undefined' : JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `count` of `values`: the first, the last and evenly spaced ones between (a list of regions gives regions of different providers). */
function spread(values: unknown[], count: number): unknown[] {
  if (values.length <= count) return values;
  if (count === 1) return [values[0]];
  return Array.from({ length: count }, (_, i) => values[Math.round((i * (values.length - 1)) / (count - 1))]);
}
