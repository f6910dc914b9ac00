import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load';
import { bumpGeneration, retireGeneration } from '../../tools/rotate/generations';
import { compareStacks, readSynthesizedStacks } from '../../tools/ci/changed-stacks';
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

  it('raises the generation of a managed key by one and keeps the current one beside it', () => {
    const bump = bumpGeneration(text, 'prod');
    expect([bump.from, bump.to, bump.previous]).toEqual([1, 2, 1]);
    expect(parseConfig(bump.text).config.environments[0].credentials).toMatchObject({ generation: 2, previousGeneration: 1 });
  });

  it('refuses a second bump before the previous generation is retired: that would be a third key', () => {
    const once = bumpGeneration(text, 'prod').text;
    expect(() => bumpGeneration(once, 'prod')).toThrow(/still keeps generation 1 beside 2: a bump now would need a third key \(IAM allows two per user\).*npm run retire-key -- kms-connect-prod/);
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

describe('retireGeneration', () => {
  const bumped = bumpGeneration(example('kms-connect.yaml'), 'prod').text;

  it('drops the previous generation and keeps the current one', () => {
    const retired = retireGeneration(bumped, 'prod');
    expect([retired.to, retired.previous]).toEqual([2, 1]);
    expect(parseConfig(retired.text).config.environments[0].credentials).toMatchObject({ generation: 2, previousGeneration: undefined });
  });

  it('lets the next bump start: a full rotation is bump, deploy, retire, deploy', () => {
    const next = bumpGeneration(retireGeneration(bumped, 'prod').text, 'prod');
    expect([next.from, next.to, next.previous]).toEqual([2, 3, 2]);
  });

  it('says there is nothing to retire when no previous key is kept', () => {
    expect(() => retireGeneration(example('kms-connect.yaml'), 'prod')).toThrow(/keeps no previous key: only generation 1 exists/);
  });

  it('refuses a previous generation set at the top level, which the environment cannot drop', () => {
    const text = example('kms-connect.yaml').replace(/credentials:\n  mode: managed/, 'credentials:\n  mode: managed\n  generation: 2\n  previousGeneration: 1');
    expect(() => retireGeneration(text, 'prod')).toThrow(/previousGeneration is set under the top-level credentials/);
  });
});

describe('readSynthesizedStacks', () => {
  const scratch = () => mkdtempSync(join(tmpdir(), 'changed-stacks-'));

  it("reads each stack's Terraform JSON without cdktf's metadata", () => {
    const outdir = scratch();
    mkdirSync(join(outdir, 'stacks', 'app-prod'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'app-prod', 'cdk.tf.json'), JSON.stringify({ '//': { metadata: {} }, resource: {} }));
    expect(readSynthesizedStacks(outdir)).toEqual(new Map([['app-prod', { resource: {} }]]));
  });

  it('takes an empty directory for no stacks (a base revision that does not synthesize)', () => {
    expect(readSynthesizedStacks(scratch()).size).toBe(0);
  });

  it('refuses a directory that does not exist, rather than count every stack as changed', () => {
    expect(() => readSynthesizedStacks('/nonexistent')).toThrow('/nonexistent is not a directory: give a cdktf output directory');
  });

  it('refuses a directory that is not a cdktf output (e.g. the checkout instead of its cdktf.out)', () => {
    const checkout = scratch();
    writeFileSync(join(checkout, 'package.json'), '{}');
    expect(() => readSynthesizedStacks(checkout)).toThrow(`${checkout} has no stacks/ directory: it is not a cdktf output directory`);
  });

  it('names a stack file that is not JSON', () => {
    const outdir = scratch();
    mkdirSync(join(outdir, 'stacks', 'app-prod'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'app-prod', 'cdk.tf.json'), '{');
    expect(() => readSynthesizedStacks(outdir)).toThrow(/app-prod\/cdk\.tf\.json: is not JSON/);
  });
});
