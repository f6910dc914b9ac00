/**
 * @aws-sdk/client-s3, loaded on first use. A migration of an unchanged or new tree sends only
 * listings and PUTs (lean-client.ts) and never needs it; loading it costs 22 MB and a quarter
 * second, so it is required only when a rare request (HEAD, multipart, delete) is sent.
 */
import type * as ClientS3 from '@aws-sdk/client-s3';

export type S3Sdk = typeof ClientS3;

let loaded: S3Sdk | undefined;

export function s3Sdk(): S3Sdk {
  loaded ??= require('@aws-sdk/client-s3') as S3Sdk;
  return loaded;
}
