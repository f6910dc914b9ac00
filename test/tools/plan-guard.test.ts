import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_HOLDING_TYPES, formatGuardReport, guardPlan, PlanError, plannedLosses, readPlan } from '../../tools/ci/plan-guard';

/** A real plan (see its "//"): the shared bucket renamed, so it and its four companions are replaced. */
const RENAME_PLAN_FILE = join(__dirname, 'fixtures', 'plan-rename-bucket.json');
const renamePlan = JSON.parse(readFileSync(RENAME_PLAN_FILE, 'utf8')) as { resource_changes: unknown[] };
const BUCKET = 'aws_s3_bucket.MediaBucket_1C0F75E7';

/** A resource change as `show -json` writes it, for the cases the engine tier does not produce. */
function change(address: string, actions: string[], extra: Record<string, unknown> = {}) {
  const [type, name] = address.split('.');
  return { address, mode: 'managed', type, name, change: { actions }, ...extra };
}

describe('plannedLosses', () => {
  it('finds the replaced bucket of a real plan, forced by its name, and not its companions', () => {
    expect(plannedLosses(renamePlan)).toEqual([
      {
        address: BUCKET,
        type: 'aws_s3_bucket',
        action: 'replace',
        loses: 'the bucket and every object in it',
        forcedBy: ['bucket'],
        reason: 'replace_because_cannot_update',
      },
    ]);
  });

  it('reports a bucket removed from the config as destroyed', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        change('digitalocean_spaces_bucket.Backups_Bucket_1A2B3C4D', ['delete'], { action_reason: 'delete_because_no_resource_config' }),
      ],
    };
    expect(plannedLosses(plan)).toEqual([
      {
        address: 'digitalocean_spaces_bucket.Backups_Bucket_1A2B3C4D',
        type: 'digitalocean_spaces_bucket',
        action: 'destroy',
        loses: DATA_HOLDING_TYPES.digitalocean_spaces_bucket,
        forcedBy: [],
        reason: 'delete_because_no_resource_config',
      },
    ]);
  });

  it('counts create-before-destroy replacements and namespaces', () => {
    const plan = { format_version: '1.2', resource_changes: [change('kubernetes_namespace_v1.Secret_Namespace_5E6F7A8B', ['create', 'delete'])] };
    expect(plannedLosses(plan).map((loss) => [loss.address, loss.action, loss.loses])).toEqual([
      ['kubernetes_namespace_v1.Secret_Namespace_5E6F7A8B', 'replace', 'the namespace and everything in it'],
    ]);
  });

  it('counts the deletion of an app\'s access key: apps still using it would be cut off', () => {
    const plan = { format_version: '1.2', resource_changes: [change('aws_iam_access_key.Credentials_Key1_CC08BE6C', ['delete']), change('digitalocean_spaces_key.Key', ['create', 'delete'])] };
    expect(plannedLosses(plan).map((loss) => [loss.address, loss.action])).toEqual([
      ['aws_iam_access_key.Credentials_Key1_CC08BE6C', 'destroy'],
      ['digitalocean_spaces_key.Key', 'replace'],
    ]);
    expect(formatGuardReport(guardPlan(plannedLosses(plan)), 'p.json')).toMatch(/retire it with npm run\s+retire-key -- <stack> once every app uses the new one/);
  });

  it('ignores updates, creates, data sources and resources that hold no data', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        change('aws_s3_bucket.Media', ['update']),
        change('aws_s3_bucket.New', ['create']),
        change('digitalocean_spaces_key.Key2', ['create']),
        change('kubernetes_secret_v1.Secret', ['delete']),
        { ...change('aws_s3_bucket.Existing', ['delete']), mode: 'data' },
        change('aws_s3_bucket.Same', ['no-op']),
      ],
    };
    expect(plannedLosses(plan)).toEqual([]);
  });

  it('accepts a plan without changes', () => {
    expect(plannedLosses({ format_version: '1.2' })).toEqual([]);
  });

  it('refuses what is not a plan, saying where', () => {
    expect(() => plannedLosses({ storage: {} })).toThrow(PlanError);
    expect(() => plannedLosses({ format_version: '1.2', resource_changes: [{ address: 'x' }] })).toThrow(/resource_changes\.0\.type/);
  });
});

describe('guardPlan and its report', () => {
  const losses = plannedLosses(renamePlan);

  it('refuses every loss not allowed by address, naming the attribute that forces it', () => {
    const result = guardPlan(losses);
    expect(result.refused.map((loss) => loss.address)).toEqual([BUCKET]);
    const report = formatGuardReport(result, 'apply.tfplan');
    expect(report).toContain('apply.tfplan: 1 resource(s) holding data or access would be deleted');
    expect(report).toMatch(new RegExp(`REFUSED +replace +${BUCKET.replace('.', '\\.')} +changing bucket forces a new resource +deletes the bucket and every object in it`));
    expect(report).toContain('--allow <address>');
  });

  it('lets an allowed address through and warns about an allowance the plan does not use', () => {
    const result = guardPlan(losses, [BUCKET, 'aws_s3_bucket.Typo']);
    expect([result.refused, result.allowed.map((loss) => loss.address), result.unusedAllowances]).toEqual([[], [BUCKET], ['aws_s3_bucket.Typo']]);
    const report = formatGuardReport(result, 'apply.tfplan');
    expect(report).toMatch(/^allowed +replace +aws_s3_bucket\.MediaBucket_1C0F75E7/m);
    expect(report).toContain('warning: --allow aws_s3_bucket.Typo: the plan does not delete it');
    expect(report).not.toContain('Do not apply this plan');
  });

  it('says so when nothing is lost', () => {
    expect(formatGuardReport(guardPlan([]), 'p.json')).toBe('p.json: deletes no bucket, no namespace and no access key');
  });
});

describe('readPlan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-guard-'));

  it('reads show -json output from a file', async () => {
    expect(await readPlan(RENAME_PLAN_FILE)).toEqual(renamePlan);
  });

  it('explains a file that is neither JSON nor a saved plan, and a missing file', async () => {
    const text = join(dir, 'plan.txt');
    writeFileSync(text, 'Plan: 1 to add, 0 to change, 1 to destroy.');
    await expect(readPlan(text)).rejects.toThrow(/plan\.txt: is neither JSON nor a saved plan/);
    await expect(readPlan(join(dir, 'missing.tfplan'))).rejects.toThrow(/missing\.tfplan: cannot be read/);
  });

  it('names the binary when it cannot show a saved plan', async () => {
    const saved = join(dir, 'apply.tfplan');
    writeFileSync(saved, Buffer.from('PK\u0003\u0004'));
    await expect(readPlan(saved, 'no-such-terraform-binary')).rejects.toThrow(/no-such-terraform-binary is not on PATH/);
  });
});
