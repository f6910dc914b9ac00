/**
 * The `storage` and `credentials` outputs of an environment stack: written by the stacks, read by
 * the tools (verify, migrate-media, env) and by anyone running `terraform output`. One module
 * holds the shape, so writer and reader cannot drift apart.
 */
import { z } from 'zod';
import type { ResolvedBucket } from '../config/model';
import { type BucketAddresses, type KeyPair, publicBaseUrl } from './app-settings';

export const STORAGE_OUTPUT = 'storage';
export const CREDENTIALS_OUTPUT = 'credentials';
export const PREVIOUS_CREDENTIALS_OUTPUT = 'previous_credentials';

export const STORAGE_OUTPUT_DESCRIPTION =
  'Per bucket role: bucket, region, endpoint (URL), cdn_endpoint (URL), prefix, public_base_url (URL), public_prefixes, private_prefixes, access, addressing_style, cors.';
export const CREDENTIALS_OUTPUT_DESCRIPTION =
  'access_key_id the app uses; secret_access_key and generation of a managed key (a supplied secret is ephemeral: it is never in state or outputs).';
export const PREVIOUS_CREDENTIALS_OUTPUT_DESCRIPTION =
  'access_key_id, secret_access_key and generation of the managed key kept during an overlap rotation, until it is retired.';

const CorsRuleEntrySchema = z.object({
  allowed_origins: z.array(z.string()),
  allowed_methods: z.array(z.string()),
  allowed_headers: z.array(z.string()).optional(),
});

/** One bucket role of the storage output. Fields added later are optional, so older stacks still parse. */
const StorageEntrySchema = z.object({
  bucket: z.string().min(1),
  region: z.string().min(1),
  endpoint: z.string().min(1),
  cdn_endpoint: z.string().min(1),
  prefix: z.string(),
  public_base_url: z.string().min(1),
  public_prefixes: z.array(z.string()),
  private_prefixes: z.array(z.string()),
  access: z.string().min(1),
  cors: z.array(CorsRuleEntrySchema).optional(),
  addressing_style: z.enum(['virtual', 'path']).optional(),
  /** Present (true) when every object of the bucket is public. */
  public: z.boolean().optional(),
});

export const StorageOutputSchema = z.record(z.string(), StorageEntrySchema);

export const CredentialsOutputSchema = z.object({
  access_key_id: z.string().min(1),
  secret_access_key: z.string().min(1).optional(),
  generation: z.number().int().min(1).optional(),
});

export type StorageEntry = z.infer<typeof StorageEntrySchema>;

/** The storage output's entry for one bucket role (values may be tokens at synth). */
export function storageEntry(addresses: BucketAddresses, bucket: ResolvedBucket, prefix: string): StorageEntry {
  return {
    bucket: addresses.bucketName,
    region: addresses.region,
    endpoint: addresses.endpoint,
    cdn_endpoint: addresses.publicUrl,
    prefix,
    public_base_url: publicBaseUrl(addresses, prefix),
    public_prefixes: [...bucket.publicPrefixes],
    private_prefixes: [...bucket.privatePrefixes],
    access: bucket.access,
    addressing_style: bucket.addressingStyle,
    // Only where it is so: the outputs of every other bucket stay as they were.
    ...(bucket.public ? { public: true } : {}),
    // What `verify` checks preflights against: the deployed rules.
    cors: bucket.cors.map((rule) => ({
      allowed_origins: [...rule.allowedOrigins],
      allowed_methods: [...rule.allowedMethods],
      allowed_headers: [...(rule.allowedHeaders ?? [])],
    })),
  };
}

export type CredentialsEntry = z.infer<typeof CredentialsOutputSchema>;

/**
 * The credentials output of a key. An ephemeral secret (a supplied key's) cannot be an output:
 * Terraform keeps root outputs in the state, so only the access key id is given.
 */
export function credentialsEntry(credentials: KeyPair & { readonly generation?: number; readonly ephemeralSecret?: boolean }): CredentialsEntry {
  return {
    access_key_id: credentials.accessKeyId,
    secret_access_key: credentials.ephemeralSecret === true ? undefined : credentials.secretAccessKey,
    generation: credentials.generation,
  };
}
