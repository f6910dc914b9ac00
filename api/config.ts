/**
 * `cdktf-media-storage/config`: load and validate a storage config without synthesizing, and
 * the settings an app reads. Needs no provider package.
 */
export { ConfigError, type LoadedConfig, loadConfigFile, parseConfig, validateConfig } from '../config/load';
export type { StorageConfig } from '../config/schema';
export type { ResolvedBucket, ResolvedConfig, ResolvedEnvironment } from '../config/model';
export type { ConfigIssue } from '../config/resolve';
export { SECRET_FIELDS, SECRET_PROFILES, type SecretField, type SecretProfileName } from '../config/secret-profiles';
