import { renderSummary } from '../../tools/migrate/command';
import type { MigrationSummary } from '../../tools/migrate/run';
import { corsRulesFor, renderResults } from '../../tools/verify/command';
import { SEANCE_PROD_OUTPUT } from './fixtures';

const bucket = SEANCE_PROD_OUTPUT;

describe('verify report', () => {
  it('is a table of every check with a closing count', () => {
    const text = renderResults([
      { role: 'media', check: 'region matches bucket and endpoint', status: 'pass', detail: 'sfo3' },
      { role: 'media', check: 'presigned URL serves the private object', status: 'fail', detail: 'HTTP 403' },
      { role: 'media', check: 'CORS preflights', status: 'skip', detail: 'unknown' },
    ]);
    expect(text.split('\n')).toEqual([
      'ROLE   CHECK                                    RESULT  DETAIL',
      '-----  ---------------------------------------  ------  --------',
      'media  region matches bucket and endpoint       PASS    sfo3',
      'media  presigned URL serves the private object  FAIL    HTTP 403',
      'media  CORS preflights                          SKIP    unknown',
      '',
      'verify: 1 checks passed, 1 failed, 1 skipped',
    ]);
  });
});

describe('corsRulesFor', () => {
  const configRules = [{ allowedOrigins: ['https://seance.dev'], allowedMethods: ['GET'], allowedHeaders: [] }];

  it('prefers the rules the storage output carries (what is deployed)', () => {
    const deployed = [{ allowedOrigins: ['https://deployed.dev'], allowedMethods: ['GET'], allowedHeaders: [] }];
    expect(corsRulesFor({ ...bucket, cors: deployed }, () => configRules)).toEqual({ rules: deployed, source: 'the storage output' });
  });

  it("falls back to the config's rules", () => {
    expect(corsRulesFor(bucket, () => configRules)).toEqual({ rules: configRules, source: 'the config' });
  });

  it('says why the rules are unknown when the config does not load', () => {
    const found = corsRulesFor(bucket, () => {
      throw new Error('storage.yaml has 1 problem:\n  - details');
    });
    expect(found).toEqual({ rules: undefined, reason: 'CORS rules unknown: the output has none and the config did not load (storage.yaml has 1 problem:)' });
  });
});

describe('migration summary', () => {
  const summary: MigrationSummary = {
    found: 2006, foundBytes: 12_900_000, copied: 1406, copiedBytes: 12_700_000, skipped: 600, failed: 1, deleted: 0, ignored: 1,
    byClass: { public: 2004, static: 1, private: 1 },
    failures: [{ key: 'prod/media/a.jpg', reason: 'AccessDenied: nope' }],
    dryRun: false,
  };

  it('counts every outcome and lists the failures', () => {
    expect(renderSummary(summary)).toBe(
      [
        '  found    2006 files, 12.3 MiB (public 2004, static 1, private 1)',
        '  copied   1406 files, 12.1 MiB',
        '  skipped  600 (already there, same size and checksum)',
        '  failed   1',
        '  deleted  0',
        '  ignored  1 (symbolic links and special files)',
        '  ! prod/media/a.jpg: AccessDenied: nope',
      ].join('\n'),
    );
  });

  it('speaks of what would happen in a dry run, and says how to resume an interrupted run', () => {
    const text = renderSummary({ ...summary, dryRun: true, stopped: 'interrupted', deleteSkipped: 'the copy did not finish' });
    expect(text).toMatch(/would copy\s+1406 files/);
    expect(text).toMatch(/would delete\s+0 \(--delete skipped: the copy did not finish\)/);
    expect(text).toMatch(/interrupted: rerun the same command to continue/);
  });
});
