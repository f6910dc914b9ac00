/**
 * The loader's properties at scale: LOADER_PROPERTY_RUNS cases in all (default 100,000), split
 * over the same generators the unit tier runs a few thousand of (test/config/loader-arbitraries.ts).
 * A failure prints its seed and path and the command that replays it.
 */
import fc from 'fast-check';
import { formatPath } from '../../config/resolve';
import { arbitraryYaml, faultSet, loadText, loadValue, mutatedExample, propertyParameters, toYaml, withFaults } from '../config/loader-arbitraries';

const RUNS = Number(process.env.LOADER_PROPERTY_RUNS ?? 100_000);
const share = (fraction: number) => Math.max(1, Math.round(RUNS * fraction));

/** Runs one property and says how many cases took how long, for the closing notes of the tier. */
function timed(name: string, runs: number, check: () => void): void {
  const started = performance.now();
  check();
  console.log(`${name}: ${runs} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

test('any YAML document either loads or is refused with a ConfigError whose every issue has a path and a message', () => {
  const runs = share(0.4);
  timed('arbitrary YAML', runs, () => fc.assert(fc.property(arbitraryYaml, (text) => void loadText(text)), propertyParameters(runs)));
});

test('any mutation of an example config either loads or is refused with a ConfigError, as YAML and as data', () => {
  const runs = share(0.4);
  timed('mutated examples', runs, () =>
    fc.assert(
      fc.property(mutatedExample, ({ value }) => {
        loadText(toYaml(value));
        loadValue(value);
      }),
      propertyParameters(runs),
    ),
  );
});

test('any value passed to validateConfig either loads or is refused with a ConfigError', () => {
  const runs = share(0.1);
  const anything = fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true });
  timed('arbitrary values', runs, () => fc.assert(fc.property(anything, (value) => void loadValue(value)), propertyParameters(runs)));
});

test('a config with k independent faults lists exactly the k faulty fields', () => {
  const runs = share(0.1);
  timed('k faults', runs, () =>
    fc.assert(
      fc.property(faultSet, (faults) => {
        const outcome = loadText(toYaml(withFaults(faults)));
        if (outcome.loaded) throw new Error('the faulty config loaded');
        const reported = [...new Set(outcome.error.issues.map((issue) => formatPath(issue.path)))].sort();
        expect(reported).toEqual([...new Set(faults.map((fault) => formatPath(fault.reportedAt ?? fault.at)))].sort());
      }),
      propertyParameters(runs),
    ),
  );
});
