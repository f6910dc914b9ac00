/**
 * cdktf-media-storage as a library: every construct, and the programmatic entry that turns a
 * config object into stacks. Importing this module loads all three provider packages; the
 * subpaths `cdktf-media-storage/spaces`, `/aws`, `/kubernetes` and `/config` load only their own.
 */
export * from './api/aws';
export * from './api/config';
export * from './api/kubernetes';
export * from './api/spaces';
export { buildStorageApp, createStorageStacks, type CreateStorageStacksOptions, type StorageStacks } from './stacks/storage-app';
export { EnvironmentStack, type EnvironmentStackProps } from './stacks/environment-stack';
export { SharedStorageStack, type SharedStorageStackProps } from './stacks/shared-storage-stack';
export { storageProvider } from './stacks/providers/storage-provider';
