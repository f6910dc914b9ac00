/** What an S3 error means for the tools, across AWS, Spaces and S3-compatible services. */

interface S3ErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Whether a bucket-level request (HeadBucket, ListObjectsV2, GetBucketLocation…) failed because
 * the bucket does not exist: `NoSuchBucket`, or a 404 to HeadBucket, whose answer has no body to
 * name the error (the SDK calls it `NotFound`). Not for object requests: there a 404 is a missing
 * object.
 */
export function isMissingBucket(error: unknown): boolean {
  const e = error as S3ErrorShape;
  return e.name === 'NoSuchBucket' || (e.name === 'NotFound' && e.$metadata?.httpStatusCode === 404);
}
