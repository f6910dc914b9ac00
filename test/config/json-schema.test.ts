import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema, JSON_SCHEMA_FILE } from '../../config/json-schema';
import { loadConfigFile } from '../../config/load';
import { PROJECT_DIR } from '../helpers';

const examples = readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => join('examples', f));

test('the committed JSON Schema is generated from the current config definition (run npm run schema)', () => {
  expect(readFileSync(join(PROJECT_DIR, JSON_SCHEMA_FILE), 'utf8')).toBe(configJsonSchema());
});

test('the JSON Schema refuses unknown fields and suggests regions and providers', () => {
  const schema = JSON.parse(configJsonSchema());
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.region.examples).toContain('sfo3');
  expect(schema.properties.provider.enum).toEqual(['digitalocean', 'aws', 's3-compatible']);
});

test.each(['storage.yaml', ...examples])('%s points editors at the JSON Schema', (file) => {
  const firstLine = readFileSync(join(PROJECT_DIR, file), 'utf8').split('\n')[0];
  const schemaPath = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine)?.[1];
  expect(schemaPath).toBeDefined();
  expect(join(PROJECT_DIR, file, '..', schemaPath!)).toBe(join(PROJECT_DIR, JSON_SCHEMA_FILE));
});

test.each(['storage.yaml', ...examples])('%s is a valid config', (file) => {
  expect(() => loadConfigFile(join(PROJECT_DIR, file))).not.toThrow();
});

test('storage.yaml is the seance example', () => {
  const body = (file: string) => readFileSync(join(PROJECT_DIR, file), 'utf8').split('\n').slice(1).join('\n');
  expect(body('storage.yaml')).toBe(body('examples/seance.yaml'));
});
