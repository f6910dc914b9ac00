/**
 * The loader never crashes and reports every independent problem at once, on generated input:
 * arbitrary YAML documents, structured mutations of every example config, and configs with k
 * independent faults (test/config/loader-arbitraries.ts). A few thousand cases here; the
 * integration tier runs a hundred thousand (test/integration/loader-properties.test.ts).
 */
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPath } from '../../config/resolve';
import { PROJECT_DIR } from '../toolchain';
import {
  arbitraryYaml,
  FAULT_BASE,
  faultSet,
  loadText,
  loadValue,
  mutatedExample,
  propertyParameters,
  toYaml,
  withFaults,
} from './loader-arbitraries';

test('any YAML document either loads or is refused with a ConfigError whose every issue has a path and a message', () => {
  fc.assert(fc.property(arbitraryYaml, (text) => void loadText(text)), propertyParameters(1000));
});

test('any mutation of an example config either loads or is refused with a ConfigError, as YAML and as data', () => {
  fc.assert(
    fc.property(mutatedExample, ({ value }) => {
      loadText(toYaml(value));
      loadValue(value);
    }),
    propertyParameters(500),
  );
});

test('any value passed to validateConfig either loads or is refused with a ConfigError', () => {
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), (value) => void loadValue(value)), propertyParameters(300));
});

test('the fault-free base config of the fault property loads', () => {
  expect(loadValue(FAULT_BASE).loaded).toBe(true);
});

test('a config with k independent faults lists exactly the k faulty fields', () => {
  fc.assert(
    fc.property(faultSet, (faults) => {
      const outcome = loadText(toYaml(withFaults(faults)));
      if (outcome.loaded) throw new Error('the faulty config loaded');
      const reported = new Set(outcome.error.issues.map((issue) => formatPath(issue.path)));
      const expected = new Set(faults.map((fault) => formatPath(fault.reportedAt ?? fault.at)));
      expect([...reported].sort()).toEqual([...expected].sort());
    }),
    propertyParameters(200),
  );
});

test('npm run synth refuses generated bad configs with exit code 1, the list of problems and no stack trace', () => {
  // One of each generator, fixed seeds: a broken example, a config with faults, YAML that is not a config.
  const refused = (texts: string[]) => texts.find((text) => !loadText(text).loaded);
  const bad = [
    refused(fc.sample(mutatedExample, { numRuns: 50, seed: 16 }).map(({ value }) => toYaml(value))),
    refused(fc.sample(faultSet, { numRuns: 5, seed: 16 }).map((faults) => toYaml(withFaults(faults)))),
    refused(fc.sample(arbitraryYaml, { numRuns: 50, seed: 16 })),
  ];
  const work = mkdtempSync(join(tmpdir(), 'media-storage-bad-'));
  try {
    bad.forEach((text, i) => {
      if (text === undefined) throw new Error(`generator ${i} gave no refused config`);
      const file = join(work, `bad-${i}.yaml`);
      writeFileSync(file, text);
      const result = spawnSync('npm', ['run', '--silent', 'synth', '--', '--config', file], {
        cwd: PROJECT_DIR,
        env: { ...process.env, CDKTF_OUTDIR: join(work, 'out') },
        encoding: 'utf8',
      });
      expect({ file, status: result.status }).toEqual({ file, status: 1 });
      expect(result.stderr).toMatch(/bad-\d\.yaml has \d+ problems?:\n {2}- /);
      expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
