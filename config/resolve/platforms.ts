/** Where each environment's buckets live: provider, region and, for s3-compatible, the service. */
import type { ResolvedService, StoragePlatform } from '../model';
import type { ServiceConfig } from '../schema';
import type { ResolveContext } from './context';
import { mergeSettings } from './merge';

export interface Platforms {
  /** The top-level provider, region and service: where shared buckets live. */
  readonly top: StoragePlatform;
  readonly byEnv: ReadonlyMap<string, StoragePlatform>;
}

function resolveService(service: ServiceConfig | undefined): ResolvedService | undefined {
  if (service === undefined) return undefined;
  return {
    endpoint: service.endpoint.replace(/\/$/, ''),
    flavor: service.flavor,
    forcePathStyle: service.forcePathStyle ?? service.flavor === 'minio',
  };
}

export function resolvePlatforms(ctx: ResolveContext): Platforms {
  const { config, issues } = ctx;
  const byEnv = new Map(
    ctx.envNames.map((env) => {
      const envConfig = config.environments[env];
      const provider = envConfig.provider ?? config.provider;
      const service = resolveService(mergeSettings(config.service, envConfig.service));
      if (provider === 's3-compatible' && service === undefined) {
        issues.error(['environments', env, 'service'], undefined, 'is required for provider s3-compatible: set service.endpoint and service.flavor (here or at the top level)');
      }
      if (provider !== 's3-compatible' && envConfig.service !== undefined) {
        issues.error(['environments', env, 'service'], envConfig.service, `is only used with provider s3-compatible (this environment uses ${provider})`);
      }
      return [env, { provider, service, region: envConfig.region ?? config.region }] as const;
    }),
  );
  const top: StoragePlatform = { provider: config.provider, service: resolveService(config.service), region: config.region };
  if (config.provider !== 's3-compatible' && config.service !== undefined && ![...byEnv.values()].some((p) => p.provider === 's3-compatible')) {
    issues.error(['service'], config.service, `is only used with provider s3-compatible (the provider is ${config.provider})`);
  }
  return { top, byEnv };
}
