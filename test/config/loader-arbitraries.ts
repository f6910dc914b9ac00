/**
 * Generators of careless configs for the loader's property tests (the unit tier runs a few
 * thousand cases, test/integration/ a hundred thousand): arbitrary YAML documents, structured
 * mutations of every example config, and configs with k independent faults whose paths are known.
 *
 * What every case must satisfy is in `checkOutcome`: the loader either returns a config or
 * throws a ConfigError whose every issue has a readable path and a message; never another
 * exception.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig, validateConfig } from '../../config/load';
import { formatPath } from '../../config/resolve';
import { PROJECT_DIR } from '../toolchain';

type Path = ReadonlyArray<string | number>;
type Plain = Record<string, unknown>;

/** storage.yaml and every example, as YAML text and as data. */
export const EXAMPLES: ReadonlyArray<{ readonly file: string; readonly text: string; readonly value: unknown }> = [
  'storage.yaml',
  ...readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => join('examples', f)),
].map((file) => {
  const text = readFileSync(join(PROJECT_DIR, file), 'utf8');
  return { file, text, value: parse(text) as unknown };
});

/** What a load came to: a config, or a ConfigError's issues. Anything else is thrown on. */
export type Outcome = { readonly loaded: true } | { readonly loaded: false; readonly error: ConfigError };

/**
 * The property every generated case must satisfy. Returns the outcome so a property can say more.
 * Checks the message too: formatting the issues is part of loading (it ran into bugs of its own).
 */
export function checkOutcome(load: () => unknown): Outcome {
  try {
    load();
    return { loaded: true };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (error.issues.length === 0) throw new Error('a ConfigError without issues');
    for (const issue of error.issues) {
      if (!Array.isArray(issue.path) || !issue.path.every((part) => typeof part === 'string' || typeof part === 'number')) {
        throw new Error(`an issue without a path: ${String(issue.message)}`);
      }
      if (typeof issue.message !== 'string' || issue.message.trim().length === 0) {
        throw new Error(`an issue without a message at ${formatPath(issue.path)}`);
      }
      // Readable: every key visible (an empty one quoted, not "environments."), no raw control characters.
      const shown = formatPath(issue.path).replace(/\["(?:[^"\\]|\\.)*"\]/g, '["…"]');
      if (/\.$|\.\.|^\.|^$|\.\[|[\p{Cc}]/u.test(shown)) throw new Error(`an unreadable path: ${JSON.stringify(shown)}`);
    }
    if (typeof error.message !== 'string' || !error.message.includes(' problem')) throw new Error('a ConfigError without its list');
    return { loaded: false, error };
  }
}

export const loadText = (text: string) => checkOutcome(() => parseConfig(text, 'generated.yaml'));
export const loadValue = (value: unknown) => checkOutcome(() => validateConfig(value, 'generated'));

// ---------------------------------------------------------------------------------------------
// Values users get wrong

/** Strings that break assumptions: empty, very long, non-ASCII, control characters, path tricks, prototype names. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'prod ', ' prod', 'PROD', 'Prod_1', 'a', 'ab', '-', 'a-', '-a', '1', '0.5', 'true', 'null', '~'),
  fc.constantFrom('../etc', '..', '.', './x', 'x/..', '/abs', 'a//b', 'prod/', '/', '\\', 'C:\\x', '%2e%2e/', '*', '?', 'a b', '{env}', '{app}-{role}', '{unknown}'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'shared'),
  fc.constantFrom('médïa', '日本語', '🚀', 'Ω', 'ｍｅｄｉａ', 'a\u200bb', '\u202eevil', 'ß', 'İ'),
  fc.constantFrom('https://a.example.com', 'http://localhost:9000', 'media.example.com', 'a.b.c', 'arn:aws:acm:eu-west-1:123456789012:certificate/x'),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 60, max: 5000 }).chain((n) => fc.constantFrom('a', 'é', 'ab-').map((s) => s.repeat(n))),
);

/** Numbers at and past every limit: negative, zero, fractions, too large to represent, not a number. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, 1, 1.5, -0, 59, 60, 61, 1234, 86400, 86401, 31536000, 31536001, 2 ** 53, 1e21, Number.MAX_VALUE),
  fc.constantFrom(Infinity, -Infinity, Number.NaN),
  fc.integer(),
  fc.double(),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(oddString, oddNumber, fc.boolean(), fc.constant(null));

/** A value of any shape, for wrong types. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(oddString, scalar, { maxKeys: 3 }).map((entries) => fromEntries(Object.entries(entries))) },
);

/** A misspelling of `word`: a letter dropped, doubled, swapped, changed or its case changed. */
export function misspell(word: string, at: number, kind: number): string {
  if (word.length === 0) return 'x';
  const i = at % word.length;
  switch (kind % 6) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word[i] + word.slice(i);
    case 2:
      return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : `${word}e`;
    case 3:
      return word.slice(0, i) + (word[i] === 'a' ? 'e' : 'a') + word.slice(i + 1);
    case 4:
      return word.toUpperCase() === word ? word.toLowerCase() : word.slice(0, i) + word[i].toUpperCase() + word.slice(i + 1);
    default:
      return `${word}s`;
  }
}

// ---------------------------------------------------------------------------------------------
// Editing plain data by path (own properties only, so "__proto__" is a key like any other)

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromEntries(entries: ReadonlyArray<readonly [string, unknown]>): Plain {
  const out: Plain = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Every path of `value` (the root included), objects' keys and arrays' indices. */
export function pathsOf(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, i) => pathsOf(item, [...path, i]))];
  if (isPlain(value)) return [path, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  return [path];
}

export function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, part) => {
    const own = (Array.isArray(node) && typeof part === 'number') || (isPlain(node) && Object.hasOwn(node, part));
    return own ? (node as Record<string | number, unknown>)[part] : undefined;
  }, value);
}

/** `value` with `edit` applied to the node at `path`, copying only what lies on the path. */
function editAt(value: unknown, path: Path, edit: (parent: unknown, key: string | number) => unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (rest.length === 0) return edit(value, head);
  if (Array.isArray(value) && typeof head === 'number') return value.map((item, i) => (i === head ? editAt(item, rest, edit) : item));
  if (value === undefined) return fromEntries([[String(head), editAt(undefined, rest, edit)]]);
  if (isPlain(value)) {
    const entries = Object.entries(value);
    return fromEntries(Object.hasOwn(value, head) ? entries.map(([k, v]) => [k, k === head ? editAt(v, rest, edit) : v]) : [...entries, [String(head), editAt(undefined, rest, edit)]]);
  }
  return value;
}

export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  return editAt(value, path, (parent, key) => {
    if (Array.isArray(parent) && typeof key === 'number') return parent.map((item, i) => (i === key ? replacement : item));
    if (isPlain(parent) || parent === undefined) {
      const entries = Object.entries(parent ?? {});
      return fromEntries(parent !== undefined && Object.hasOwn(parent, key) ? entries.map(([k, v]) => [k, k === String(key) ? replacement : v]) : [...entries, [String(key), replacement]]);
    }
    return parent;
  });
}

function deleteAt(value: unknown, path: Path): unknown {
  return editAt(value, path, (parent, key) => {
    if (Array.isArray(parent)) return parent.filter((_, i) => i !== key);
    if (isPlain(parent)) return fromEntries(Object.entries(parent).filter(([k]) => k !== String(key)));
    return parent;
  });
}

function renameAt(value: unknown, path: Path, name: string): unknown {
  return editAt(value, path, (parent, key) =>
    isPlain(parent) ? fromEntries(Object.entries(parent).map(([k, v]) => [k === String(key) ? name : k, v])) : parent,
  );
}

// ---------------------------------------------------------------------------------------------
// Structured mutations of the examples

type MutationKind = 'wrong type' | 'misspelt' | 'missing' | 'extra field' | 'number' | 'odd string' | 'renamed key' | 'null' | 'moved block';

interface Mutation {
  readonly kind: MutationKind;
  /** Index into the paths of the document (modulo their count), so shrinking stays meaningful. */
  readonly target: number;
  readonly other: number;
  readonly value: unknown;
  readonly text: string;
  readonly number: number;
  readonly at: number;
  readonly how: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>('wrong type', 'misspelt', 'missing', 'extra field', 'number', 'odd string', 'renamed key', 'null', 'moved block'),
  target: fc.nat(),
  other: fc.nat(),
  value: wrongValue,
  text: oddString,
  number: oddNumber,
  at: fc.nat(),
  how: fc.nat(),
});

function applyMutation(doc: unknown, m: Mutation): unknown {
  const paths = pathsOf(doc);
  const path = paths[m.target % paths.length];
  const current = getAt(doc, path);
  const last = path[path.length - 1];
  switch (m.kind) {
    case 'wrong type':
      return setAt(doc, path, m.value);
    case 'misspelt':
      if (typeof current === 'string') return setAt(doc, path, misspell(current, m.at, m.how));
      return typeof last === 'string' ? renameAt(doc, path, misspell(last, m.at, m.how)) : doc;
    case 'missing':
      return deleteAt(doc, path);
    case 'extra field': {
      if (!isPlain(current)) return doc;
      const keys = Object.keys(current);
      const name = keys.length > 0 && m.how % 2 === 0 ? misspell(keys[m.at % keys.length], m.at, m.how) : m.text;
      return setAt(doc, [...path, name], m.value);
    }
    case 'number':
      return setAt(doc, path, m.number);
    case 'odd string':
      return setAt(doc, path, m.text);
    case 'renamed key':
      return typeof last === 'string' ? renameAt(doc, path, m.text) : doc;
    case 'null':
      return setAt(doc, path, null);
    case 'moved block':
      return setAt(doc, path, getAt(doc, paths[m.other % paths.length]));
  }
}

/** An example with one to five mutations, as data. */
export const mutatedExample: fc.Arbitrary<{ readonly file: string; readonly value: unknown }> = fc
  .record({ example: fc.nat({ max: EXAMPLES.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }) })
  .map(({ example, mutations }) => ({
    file: EXAMPLES[example].file,
    value: mutations.reduce(applyMutation, EXAMPLES[example].value),
  }));

/** Data as YAML text; `stringify` writes what JSON cannot (.inf, .nan, control characters escaped). */
export function toYaml(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 }) ?? '';
}

// ---------------------------------------------------------------------------------------------
// Arbitrary YAML documents

const yamlScalar = fc.oneof(
  fc.constantFrom('a', 'app', 'shop', '1', '-1', '0x1f', '1e400', '-.inf', '.nan', '~', 'null', 'yes', 'no', 'on', 'true', "''", '""', '"\\u0000"', '"\\x1b"', "'it''s'"),
  fc.constantFrom('!!binary aGVsbG8=', '!!str 1', '!!int "1"', '!!float x', '!!set {a, b}', '!!omap [a: 1]', '!!timestamp 2001-12-14', '!custom x', '!<tag:x> y', '!!null ""'),
  fc.constantFrom('digitalocean', 'aws', 's3-compatible', 'fra1', 'sfo3', 'us-east-1', 'auto', 'media', 'prod', 'dev', 'policy', 'acl', 'managed'),
  oddString.map((s) => JSON.stringify(s)),
);

const KEYS = ['app', 'provider', 'region', 'service', 'state', 'credentials', 'profile', 'keys', 'kubernetes', 'buckets', 'environments',
  'media', 'prod', 'dev', 'name', 'shared', 'cdn', 'enabled', 'ttl', 'cors', 'prefix', 'versioning', '<<', '? x', '"quoted key"', '[a, b]', '{a: 1}', '""'];

/** A YAML node as text, indented for block context; anchors, aliases, tags, flow and block collections. */
const yamlNode: (depth: number, indent: string) => fc.Arbitrary<string> = (depth, indent) => {
  const leaf = fc.oneof(yamlScalar, fc.constantFrom('*a', '*b', '*undefined', '&a x', '&b [1, 2]', '{}', '[]', '|\n' + indent + '  block text', '>-\n' + indent + '  folded'));
  if (depth <= 0) return leaf;
  const child = yamlNode(depth - 1, `${indent}  `);
  const key = fc.constantFrom(...KEYS);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, child), { maxLength: 4 }).map((pairs) => (pairs.length === 0 ? '{}' : pairs.map(([k, v]) => `\n${indent}  ${k}: ${v}`).join(''))) },
    { weight: 1, arbitrary: fc.array(child, { maxLength: 3 }).map((items) => (items.length === 0 ? '[]' : items.map((v) => `\n${indent}  - ${v}`).join(''))) },
    { weight: 1, arbitrary: fc.array(fc.tuple(key, leaf), { maxLength: 3 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('&a ', '&b ', '!!map ', '!!seq ', '!x '), child).map(([prefix, v]) => `${prefix}${v}`) },
  );
};

/** A whole document: top-level keys with generated values, and sometimes directives, markers, comments, tabs. */
const yamlDocument = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS), yamlNode(3, '')), { maxLength: 8 }),
    fc.constantFrom('', '%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '---\n', '# comment\n', '%TAG ! tag:x:\n---\n'),
    fc.constantFrom('', '\n...\n', '\n---\nsecond: doc\n', '\n\t', ' # trailing', '\n  misindented: x'),
  )
  .map(([pairs, head, tail]) => `${head}${pairs.map(([k, v]) => `${k}: ${v}`).join('\n')}${tail}`);

/** Nesting and aliases deep or wide enough to exhaust a recursive parser or an alias expansion. */
const hostileDocument = fc.oneof(
  fc.integer({ min: 1, max: 20000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 20000 }).map((n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  fc.integer({ min: 1, max: 5000 }).map((n) => `${'- '.repeat(n)}x`),
  fc.integer({ min: 1, max: 2000 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')),
  fc.integer({ min: 2, max: 9 }).map((levels) =>
    Array.from({ length: levels }, (_, i) => `l${i}: &l${i} [${i === 0 ? '1, 1, 1, 1, 1, 1, 1, 1, 1' : Array(9).fill(`*l${i - 1}`).join(', ')}]`).join('\n'),
  ),
  fc.constantFrom('a: &x [*x]', 'a: &x\n  b: *x', 'environments: &e { prod: *e }', 'buckets: &b\n  media: *b\napp: shop', 'a: &x { <<: *x }'),
);

/** Text that may or may not be YAML. */
const yamlishText = fc.string({
  unit: fc.constantFrom(...' \n\t:-[]{},#&*!|>\'"%@`?.ab01\\\u0000\ufeff\u00e9'.split('')),
  maxLength: 120,
});

export const arbitraryYaml: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: yamlDocument },
  { weight: 2, arbitrary: yamlishText },
  { weight: 1, arbitrary: hostileDocument },
  { weight: 2, arbitrary: fc.jsonValue().map(toYaml) },
  { weight: 2, arbitrary: fc.anything().map((value) => toYaml(value)) },
  { weight: 2, arbitrary: mutatedExample.map(({ value }) => toYaml(value)) },
);

// ---------------------------------------------------------------------------------------------
// Independent faults

/**
 * A fault injected into FAULT_BASE, with the one path it must be reported at. The faults touch
 * different fields, and none is a field the rules of another depend on (no provider fault: every
 * provider rule hinges on it), so a config with any k of them must list exactly k paths.
 */
export interface Fault {
  readonly name: string;
  readonly at: Path;
  readonly value: unknown;
  /** Where the problem is reported, when not where the value is written. */
  readonly reportedAt?: Path;
}

export const FAULT_BASE = {
  app: 'shop',
  provider: 'digitalocean',
  region: 'fra1',
  kubernetes: { secretName: '{app}-{role}-storage' },
  buckets: {
    media: { shared: true, cdn: { enabled: true, ttl: 3600 }, publicPrefixes: ['media'] },
    static: { lifecycle: { expire: [{ prefix: 'tmp', days: 1 }] }, cors: [{ allowedOrigins: ['https://shop.example.com'], allowedMethods: ['GET'] }] },
  },
  environments: { prod: {}, dev: { production: false } },
};

export const FAULTS: readonly Fault[] = [
  { name: 'an invalid app name', at: ['app'], value: 'Shop_App' },
  { name: 'an unknown Spaces region', at: ['region'], value: 'mars1' },
  { name: 'a boolean written as a string', at: ['buckets', 'media', 'versioning'], value: 'yes' },
  { name: 'an invalid bucket name', at: ['buckets', 'static', 'name'], value: 'Static_{env}' },
  { name: 'a CDN TTL DigitalOcean does not accept', at: ['buckets', 'media', 'cdn', 'ttl'], value: 1234 },
  { name: 'a prefix with a leading slash', at: ['environments', 'prod', 'prefix'], value: '/prod' },
  { name: 'an unknown CORS method', at: ['buckets', 'static', 'cors', 0, 'allowedMethods', 0], value: 'PATCH' },
  { name: 'an expiry of zero days', at: ['buckets', 'static', 'lifecycle', 'expire', 0, 'days'], value: 0 },
  { name: 'a namespace that is not a DNS label', at: ['kubernetes', 'namespace'], value: 'Shop NS' },
  { name: 'production written as a string', at: ['environments', 'dev', 'production'], value: 'no' },
  { name: 'a public prefix escaping the environment', at: ['buckets', 'media', 'publicPrefixes', 0], value: '../media' },
  { name: 'a secret key with a space', at: ['keys', 'bucket'], value: 'BUCKET NAME' },
  { name: 'a misspelt credentials mode', at: ['credentials', 'mode'], value: 'manged' },
  { name: 'kubernetes: true in an environment', at: ['environments', 'dev', 'kubernetes'], value: true },
  { name: 'a misspelt field', at: ['buckets', 'static', 'cros'], value: [] },
  { name: 'an invalid state bucket', at: ['state'], value: { backend: 'spaces', bucket: 'State_Bucket', region: 'fra1' }, reportedAt: ['state', 'bucket'] },
  { name: 'a custom domain without a certificate', at: ['buckets', 'media', 'cdn', 'customDomain'], value: 'media.shop.com' },
  { name: 'a number too large to represent', at: ['buckets', 'static', 'cors', 0, 'maxAgeSeconds'], value: Infinity },
  { name: 'an environment name that is not a DNS label', at: ['environments', 'QA_1'], value: {} },
  { name: 'a Deployment name with uppercase letters', at: ['kubernetes', 'rolloutDeployments'], value: ['Backend'], reportedAt: ['kubernetes', 'rolloutDeployments', 0] },
];

export const faultSet: fc.Arbitrary<readonly Fault[]> = fc.subarray([...FAULTS], { minLength: 1 });

export function withFaults(faults: readonly Fault[]): unknown {
  return faults.reduce<unknown>((doc, fault) => setAt(doc, fault.at, fault.value), FAULT_BASE);
}

/**
 * fast-check parameters: `numRuns` cases, or the failing case LOADER_PROPERTY_SEED and
 * LOADER_PROPERTY_PATH name (both printed on failure, with the command that replays it).
 */
export function propertyParameters<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.LOADER_PROPERTY_SEED;
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed: Number(seed), path: process.env.LOADER_PROPERTY_PATH }),
    reporter: (details) => {
      if (details.failed) {
        throw new Error(
          `${fc.defaultReportMessage(details) ?? 'property failed'}\n` +
            `Got: ${details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message).split('\n').slice(0, 6).join('\n') : String(details.errorInstance)}\n` +
            `Replay: LOADER_PROPERTY_SEED=${details.seed} LOADER_PROPERTY_PATH=${details.counterexamplePath ?? ''} npx jest ${expect.getState().testPath ?? ''}`,
        );
      }
    },
  };
}
