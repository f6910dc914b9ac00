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
    found: 2006, foundBytes: 12_900_000, copied: 1406, copiedBytes: 12_700_000, skipped: 600, failed: 1, deleted: 0, ignored: 1, hashed: 0,
    byClass: { public: 2004, static: 1, private: 1 },
    failures: [{ key: 'prod/media/a.jpg', reason: 'AccessDenied: nope' }],
    dryRun: false,
    requests: { ListObjectsV2: 3, PutObject: 1407 },
    retries: 1,
    staleUploadsAborted: 0,
    durationMs: 10_000,
    purge: { keys: [], overflow: false },
    complete: true,
  };
  const rerun = 'npm run migrate-media -- app-prod media';

  it('counts every outcome, the time, the rate and the requests, and lists the failures', () => {
    expect(renderSummary(summary, rerun)).toBe(
      [
        '  found     2006 files, 12.3 MiB (public 2004, static 1, private 1)',
        '  copied    1406 files, 12.1 MiB',
        '  skipped   600 (already there, same size and checksum)',
        '  failed    1',
        '  deleted   0',
        '  ignored   1 (symbolic links and special files)',
        '  took      10s (1.2 MiB/s, 141 files/s)',
        '  requests  ListObjectsV2 3, PutObject 1407; 1 retried',
        '  ! prod/media/a.jpg: AccessDenied: nope',
        '  1 file(s) were not copied; the rest were. Fix what is named above, then rerun the same command (only what is missing is copied):',
        '    npm run migrate-media -- app-prod media',
      ].join('\n'),
    );
  });

  it('speaks of what would happen in a dry run, and says how to resume an interrupted run', () => {
    const text = renderSummary({ ...summary, dryRun: true, stopped: 'interrupted', deleteSkipped: 'the copy did not finish' }, rerun);
    expect(text).toMatch(/would copy\s+1406 files/);
    expect(text).toMatch(/would delete\s+0 \(--delete skipped: the copy did not finish\)/);
    expect(text).toMatch(/interrupted: rerun the same command to continue/);
  });

  it('says the service stopped answering and how to continue, rather than failing every file', () => {
    const text = renderSummary({ ...summary, failed: 0, failures: [], stopped: 'unreachable', stopReason: 'no request succeeded for 120 s' }, rerun);
    expect(text).toMatch(/stopped: the service stopped answering \(no request succeeded for 120 s\)/);
    expect(text).toMatch(/rerun the same command to continue \(copied files are skipped\):\n    npm run migrate-media -- app-prod media/);
  });
});
