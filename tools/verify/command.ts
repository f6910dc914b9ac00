/** `verify <stack>`: checks a deployed environment's buckets the way its app will use them. */
import { configPath } from '../../config/load';
import type { ResolvedEnvironment } from '../../config/model';
import { readStackOutputs, selectBucket, type BucketOutput, type CorsRuleOutput } from '../outputs';
import { type CredentialsChoice, resolveCredentials, s3Client, targetOf, usePathStyle } from '../s3-target';
import { bucketOf, loadEnvironment } from '../stack-config';
import { suppliedSecretLookup } from '../supplied-secret';
import { formatTable } from '../table';
import { type BucketChecksOptions, type CheckResult, runBucketChecks, runCdnPathChecks } from './checks';

export interface VerifyOptions {
  readonly outputsFile?: string;
  readonly config?: string;
  readonly role?: readonly string[];
  readonly pathStyle?: boolean;
  readonly credentials?: CredentialsChoice;
  readonly timeout?: number;
  readonly cdnWait?: number;
  /** Paths (relative to the environment prefix) whose CDN copy must match the object. */
  readonly cdnPath?: readonly string[];
  readonly json?: boolean;
}

/**
 * The CORS rules to probe: the `cors` field of the storage output when the stack writes one (what
 * is deployed), else the bucket's rules in the config (what should be deployed).
 */
export function corsRulesFor(bucket: BucketOutput, loadConfigRules: () => readonly CorsRuleOutput[] | undefined): BucketChecksOptions['cors'] {
  if (bucket.cors !== undefined) return { rules: bucket.cors, source: 'the storage output' };
  try {
    const rules = loadConfigRules();
    if (rules !== undefined) return { rules, source: 'the config' };
    return { rules: undefined, reason: `the config has no bucket role "${bucket.role}" for this stack` };
  } catch (error) {
    return { rules: undefined, reason: `CORS rules unknown: the output has none and the config did not load (${(error as Error).message.split('\n')[0]})` };
  }
}

export function summarize(results: readonly CheckResult[]): { readonly passed: number; readonly failed: number; readonly skipped: number } {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

export function renderResults(results: readonly CheckResult[]): string {
  const table = formatTable(
    ['ROLE', 'CHECK', 'RESULT', 'DETAIL'],
    results.map((r) => [r.role, r.check, r.status.toUpperCase(), r.detail]),
  );
  const { passed, failed, skipped } = summarize(results);
  // Not "N passed, N failed": CI log readers take that phrase for a test runner's verdict.
  return `${table}\n\nverify: ${passed} checks passed, ${failed} failed, ${skipped} skipped`;
}

/** Runs every check of every selected bucket role; resolves to the process exit code. */
export async function verifyCommand(stack: string, options: VerifyOptions): Promise<number> {
  const outputs = await readStackOutputs(stack, { outputsFile: options.outputsFile, config: options.config });
  // The config is read once, and only if needed (a supplied key's secret, no cors or addressing_style output).
  const configFile = configPath(options.config);
  let environment: ResolvedEnvironment | undefined;
  const loaded = () => (environment ??= loadEnvironment(configFile, stack));
  const credentials = resolveCredentials(outputs, options.credentials ?? 'auto', process.env, () => suppliedSecretLookup(loaded())());
  const buckets = options.role === undefined || options.role.length === 0
    ? outputs.buckets
    : options.role.map((role) => selectBucket(outputs, role));

  const configBucket = (role: string) => bucketOf(loaded(), role);
  const results: CheckResult[] = [];
  for (const bucket of buckets) {
    const target = targetOf(bucket, usePathStyle(options.pathStyle, bucket, () => configBucket(bucket.role)?.service?.forcePathStyle));
    if (!options.json) {
      console.log(`${stack} ${bucket.role}: ${bucket.bucket} (${bucket.region}) at ${bucket.endpoint}, prefix "${bucket.prefix}", access ${bucket.access}`);
    }
    const client = s3Client(target, credentials);
    try {
      results.push(
        ...(await runBucketChecks({
          bucket,
          target,
          client,
          credentialsSource: credentials.source,
          timeoutMs: (options.timeout ?? 15) * 1000,
          cdnWaitMs: (options.cdnWait ?? 0) * 1000,
          cors: corsRulesFor(bucket, () =>
            configBucket(bucket.role)?.cors.map((rule) => ({
              allowedOrigins: rule.allowedOrigins,
              allowedMethods: rule.allowedMethods,
              allowedHeaders: rule.allowedHeaders ?? [],
            })),
          ),
        })),
      );
      if (options.cdnPath !== undefined && options.cdnPath.length > 0) {
        results.push(...(await runCdnPathChecks({ bucket, target, client, paths: options.cdnPath, timeoutMs: (options.timeout ?? 15) * 1000 })));
      }
    } finally {
      client.destroy();
    }
  }
  console.log(options.json ? JSON.stringify({ stack, results, ...summarize(results) }, null, 2) : `\n${renderResults(results)}`);
  return summarize(results).failed > 0 ? 1 : 0;
}
