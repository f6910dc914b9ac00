/**
 * The lint rules of `npm test` catch what they are there for: provider packages are imported from
 * their resource modules only (the package root loads every resource class of the provider:
 * seconds and hundreds of MB at synth); constructs take nothing from the config; no function of
 * the model's layers grows past 80 lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR } from './helpers';

function lint(source: string, folder = 'test') {
  const dir = mkdtempSync(join(PROJECT_DIR, folder, '.lint-'));
  try {
    writeFileSync(join(dir, 'sample.ts'), source);
    return spawnSync(join(PROJECT_DIR, 'node_modules', '.bin', 'oxlint'), ['-c', join(PROJECT_DIR, '.oxlintrc.json'), '--deny-warnings', dir], {
      encoding: 'utf8',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an import from a provider package root fails the lint', () => {
  const result = lint("import { SpacesBucket } from '@cdktf/provider-digitalocean';\nexport const x = SpacesBucket;\n");
  expect(result.status).not.toBe(0);
  expect(result.stdout).toMatch(/no-restricted-imports/);
});

test('a deep import from a provider package passes the lint', () => {
  const result = lint("import { SpacesBucket } from '@cdktf/provider-digitalocean/lib/spaces-bucket';\nexport const x = SpacesBucket;\n");
  expect(result.status).toBe(0);
});

test('a construct importing the config fails the lint', () => {
  const result = lint("import { SHARED_STACK_SUFFIX } from '../config/model';\nexport const x = SHARED_STACK_SUFFIX;\n", 'constructs');
  expect(result.stdout).toMatch(/constructs\/ and facts\/ sit below the config/);
});

test('a function over 80 lines in the model\'s layers fails the lint', () => {
  const body = Array.from({ length: 81 }, (_, i) => `  total += ${i};`).join('\n');
  const result = lint(`export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`, 'stacks');
  expect(result.stdout).toMatch(/max-lines-per-function/);
});
