import { S3BucketAcl } from '@cdktf/provider-aws/lib/s3-bucket-acl';
import { Token } from 'cdktf';
import type { Construct } from 'constructs';
import { objectLockProblems } from '../facts/aws';
import { hostnameProblems, serviceEndpointProblems } from '../facts/rules';
import { compatibleRegionProblems } from '../facts/s3-compatible';
import { skipCheckov } from './checkov';
import type { BucketGrant, BucketLifecycle } from './media-bucket';
import { anonymousReadStatement } from './policy-document';
import { checkCommonProps, S3MediaBucketBase, type S3MediaBucketBaseProps } from './s3-bucket-base';
import { PropsValidator } from './validation';

export interface S3CompatibleMediaBucketProps extends S3MediaBucketBaseProps {
  /** The region string the service's API expects (R2: `auto`, MinIO: usually `us-east-1`). */
  readonly region: string;
  /**
   * S3 API endpoint URL of the service, e.g. https://<account>.r2.cloudflarestorage.com; the
   * origin host is derived from it, so it must be known at synth.
   */
  readonly endpoint: string;
  /**
   * Address the bucket as `<endpoint host>/<bucket>` rather than `<bucket>.<endpoint host>`
   * (MinIO without wildcard DNS needs this).
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Enable versioning. Only `true` writes a versioning resource: services without the API (R2, B2
   * through the S3 API) answer it with NotImplemented, and a versioned bucket never returns to
   * unversioned anyway.
   * @default false
   */
  readonly versioning?: boolean;
  /** Lifecycle rules; storage-class transitions are AWS's alone. @default - no lifecycle rules */
  readonly lifecycle?: BucketLifecycle;
  /**
   * Full prefixes (environment prefix included) that anonymous users may read, granted by a bucket
   * policy, for services that implement bucket policies (MinIO, Ceph); R2 and B2 answer
   * NotImplemented and make buckets public through their own settings instead.
   * @default - nothing is public
   */
  readonly publicReadPrefixes?: readonly string[];
  /**
   * Host that serves public objects when it is not the origin, e.g. the custom domain an R2 or B2
   * bucket is published under.
   * @default - the origin host
   */
  readonly publicDomain?: string;
  /**
   * A canned ACL on the bucket itself (child id `Acl`), for services that make a bucket public only
   * as a whole: `public-read` turns a B2 bucket allPublic. Services with bucket policies use
   * `publicReadPrefixes` instead.
   * @default - no bucket ACL: the bucket stays private
   */
  readonly bucketAcl?: 'public-read';
}

/**
 * A bucket on a service that speaks the S3 API (MinIO, R2, B2, …), through the AWS provider. Only
 * the S3 API core is used (bucket, versioning, lifecycle, CORS, policy): AWS's own companions
 * would be answered NotImplemented and fail every plan (terraform-provider-aws#25660 for R2). The
 * caller leaves out what the service lacks.
 */
export class S3CompatibleMediaBucket extends S3MediaBucketBase {
  readonly region: string;
  readonly endpoint: string;
  readonly originDomain: string;
  readonly publicDomain: string;
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: S3CompatibleMediaBucketProps) {
    // No per-resource region: the provider block, pointed at the service, carries it.
    super(scope, id, props, undefined);
    checkCommonProps(new PropsValidator('S3CompatibleMediaBucket'), props)
      .check('region', props.region, compatibleRegionProblems(props.region))
      .check('endpoint', props.endpoint, serviceEndpointProblems(props.endpoint))
      .require(!Token.isUnresolved(props.endpoint), "'endpoint' must be known at synth: the origin host is derived from it")
      .check('publicDomain', props.publicDomain, props.publicDomain === undefined ? [] : hostnameProblems(props.publicDomain))
      .rule('objectLock', objectLockProblems(props.objectLock, props.versioning))
      .throwIfInvalid();

    this.region = props.region;
    this.endpoint = props.endpoint;
    this.skipInapplicableChecks({
      notKms: 'S3-compatible services answer the default-encryption API with NotImplemented; they encrypt at rest by their own means.',
      versioning: props.versioning,
      more: [['CKV2_AWS_6',
        'The public access block is an AWS API that S3-compatible services do not implement; the bucket policy alone decides what is public (the public prefixes, nothing else).']],
    });
    const versioning = props.versioning === true ? this.addVersioning(true) : undefined;
    this.addLifecycle(props.lifecycle, versioning);
    this.addCors(props.cors);

    const publicReadPrefixes = props.publicReadPrefixes ?? [];
    if (publicReadPrefixes.length > 0) {
      const policy = this.addToResourcePolicy(anonymousReadStatement(this.bucket.bucket, publicReadPrefixes));
      skipCheckov(policy, 'CKV_AWS_70',
        'Anonymous s3:GetObject on the public prefixes only (access: policy): those objects are public by design; everything else stays private.');
    }

    if (props.bucketAcl !== undefined) {
      const acl = new S3BucketAcl(this, 'Acl', { ...this.companion, acl: props.bucketAcl });
      skipCheckov(acl, 'CKV_AWS_20',
        'public-read on the bucket is how B2 makes a bucket allPublic (public: true): every object of it is public by design; private files live in another bucket.');
    }

    this.originDomain = originDomain(this.bucket.bucket, this.endpoint, props.forcePathStyle ?? false);
    this.publicDomain = props.publicDomain ?? this.originDomain;
    // A local service's own origin (http://localhost:9000) serves over plain http; anything else is https.
    this.publicUrl = `${props.publicDomain === undefined && this.endpoint.startsWith('http://') ? 'http' : 'https'}://${this.publicDomain}`;
  }

  protected get companion() {
    return { bucket: this.bucket.bucket };
  }

  /** Keys of S3-compatible services are made in the service's console; the grant names the bucket. */
  accessGrant(prefix: string): BucketGrant {
    return { bucketName: this.bucketName, bucketArn: this.bucketArn, prefix };
  }

  /** S3-compatible services have no access logging through the S3 API. */
  logTo(): never {
    throw new Error("Invalid S3CompatibleMediaBucket call:\n  - 'logging' is AWS S3 server access logging, which s3-compatible services do not offer through the S3 API");
  }

  acceptAccessLogsFrom(): never {
    throw new Error('Invalid S3CompatibleMediaBucket call:\n  - access logs are delivered to AWS S3 and Spaces buckets only');
  }
}

/** `<bucket>.<endpoint host>`, or `<endpoint host>/<bucket>` for path-style services. */
function originDomain(bucket: string, endpoint: string, forcePathStyle: boolean): string {
  const host = new URL(endpoint).host;
  return forcePathStyle ? `${host}/${bucket}` : `${bucket}.${host}`;
}

