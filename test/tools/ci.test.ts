import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../config/load';
import { bumpGeneration } from '../../tools/ci/bump-generation';
import { compareStacks } from '../../tools/ci/changed-stacks';
import { githubOutputs, listStacks, secretSuffix } from '../../tools/ci/stacks';

const example = (name: string) => readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');

describe('listStacks', () => {
  const stacks = listStacks(parseConfig(example('seance.yaml'), 'seance.yaml').config);

  it('puts the shared stack apart, to be deployed first', () => {
    expect(stacks.shared).toMatchObject({ stack: 'seance-shared', environment: 'shared', production: true });
  });

  it('splits production from the other environments for the deploy workflow', () => {
    const outputs = Object.fromEntries(githubOutputs(stacks).trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    expect(JSON.parse(outputs.production).map((e: { stack: string }) => e.stack)).toEqual(['seance-prod']);
    expect(JSON.parse(outputs.nonproduction).map((e: { stack: string }) => e.stack)).toEqual(['seance-dev']);
    expect(outputs.shared).toBe('seance-shared');
  });

  it('turns environment names into secret name suffixes', () => {
    expect([secretSuffix('prod'), secretSuffix('eu-west')]).toEqual(['PROD', 'EU_WEST']);
  });
});

describe('compareStacks', () => {
  const base = new Map<string, unknown>([
    ['app-prod', { resource: { a: { x: 1, y: 2 } } }],
    ['app-old', {}],
  ]);

  it('ignores key order', () => {
    expect(compareStacks(base, new Map([['app-prod', { resource: { a: { y: 2, x: 1 } } }], ['app-old', {}]])).changed).toEqual([]);
  });

  it('lists new and changed stacks, and removed ones apart', () => {
    const head = new Map<string, unknown>([
      ['app-prod', { resource: { a: { x: 1, y: 3 } } }],
      ['app-dev', {}],
    ]);
    expect(compareStacks(base, head)).toEqual({ changed: ['app-prod', 'app-dev'], removed: ['app-old'] });
  });
});

describe('bumpGeneration', () => {
  const text = example('kms-connect.yaml');

  it('raises the generation of a managed key by one', () => {
    const bump = bumpGeneration(text, 'prod');
    expect([bump.from, bump.to]).toEqual([1, 2]);
    expect(parseConfig(bump.text).config.environments[0].credentials.generation).toBe(2);
  });

  it('keeps comments and layout', () => {
    const bump = bumpGeneration(text, 'prod');
    const removed = text.split('\n').filter((line) => !bump.text.includes(line));
    expect(removed).toEqual([]);
  });

  it('refuses an environment whose keys are supplied', () => {
    expect(() => bumpGeneration(example('seance.yaml'), 'prod')).toThrow(/uses supplied credentials/);
  });

  it('names the environments when the asked one does not exist', () => {
    expect(() => bumpGeneration(text, 'staging')).toThrow(/no environment "staging" \(it has prod\)/);
  });
});
