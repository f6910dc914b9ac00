/**
 * The loader never crashes and reports every independent problem at once, on generated input:
 * arbitrary YAML documents, structured mutations of every example config, and configs with k
 * independent faults (test/config/loader-arbitraries.ts). A few thousand cases here; the
 * integration tier runs a hundred thousand (test/integration/loader-properties.test.ts).
 */
import fc from 'fast-check';
import { formatPath } from '../../config/resolve';
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
  fc.assert(fc.property(arbitraryYaml, (text) => void loadText(text)), propertyParameters(1500));
});

test('any mutation of an example config either loads or is refused with a ConfigError, as YAML and as data', () => {
  fc.assert(
    fc.property(mutatedExample, ({ value }) => {
      loadText(toYaml(value));
      loadValue(value);
    }),
    propertyParameters(1500),
  );
});

test('any value passed to validateConfig either loads or is refused with a ConfigError', () => {
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), (value) => void loadValue(value)), propertyParameters(500));
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
    propertyParameters(300),
  );
});
