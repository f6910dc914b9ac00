/**
 * Provider packages are imported from their resource modules only: the package root loads every
 * resource class of the provider (seconds and hundreds of MB at synth). The lint rule that
 * enforces it is part of `npm test`; this checks the rule itself catches a root import.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR } from './helpers';

function lint(source: string) {
  const dir = mkdtempSync(join(PROJECT_DIR, 'test', '.lint-'));
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
