import { SpacesBucket, type SpacesBucketLifecycleRule } from '@cdktf/provider-digitalocean/lib/spaces-bucket';
import { SpacesBucketCorsConfiguration } from '@cdktf/provider-digitalocean/lib/spaces-bucket-cors-configuration';
import { SpacesBucketLogging } from '@cdktf/provider-digitalocean/lib/spaces-bucket-logging';
import { SpacesBucketPolicy } from '@cdktf/provider-digitalocean/lib/spaces-bucket-policy';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { spacesRegionProblems } from '../facts/digitalocean';
import { bucketNameProblems, wildcardOrigins } from '../facts/rules';
import { skipCheckov } from './checkov';
import {
  type BucketGrant,
  type BucketLifecycle,
  type BucketLogging,
  type CorsRule,
  corsRuleConfig,
  type IMediaBucket,
  type LifecycleRule,
  lifecycleRules,
  logInto,
  warnAboutPublicBucket,
} from './media-bucket';
import { anonymousReadStatement, policyDocument, serializePolicy } from './policy-document';
import { SpacesCdn, type SpacesCdnProps } from './spaces-cdn';
import { PropsValidator } from './validation';

export interface SpacesMediaBucketProps {
  /** Bucket name: 3–63 lowercase letters, digits, dots and hyphens. */
  readonly name: string;
  /** Spaces region, e.g. sfo3. Changing it would replace the bucket. */
  readonly region: string;
  /**
   * S3 API endpoint the app is given.
   * @default - https://<region>.digitaloceanspaces.com, as the provider reports it
   */
  readonly endpoint?: string;
  /**
   * Keep every version of every object. Once on, a bucket can be suspended but never returns
   * to unversioned, so `false` after `true` suspends versioning rather than removing it.
   * @default false
   */
  readonly versioning?: boolean;
  /** @default - no lifecycle rules */
  readonly lifecycle?: BucketLifecycle;
  /** @default - no CORS configuration */
  readonly cors?: readonly CorsRule[];
  /**
   * Full prefixes (environment prefix included) whose objects anonymous users may read, granted
   * by a bucket policy. Not compatible with a bucket-scoped Spaces key on the same bucket.
   * @default - no bucket policy: objects are readable only by ACL (public-read uploads) or key
   */
  readonly publicReadPrefixes?: readonly string[];
  /** @default - no access logging (see also `logTo`) */
  readonly logging?: BucketLogging;
  /** @default - no CDN */
  readonly cdn?: Omit<SpacesCdnProps, 'origin' | 'certificateName'>;
  /**
   * Refuse any plan that destroys or replaces the bucket (Terraform `prevent_destroy`).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Production buckets refuse wildcard CORS origins; others accept them with a warning.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Every object of the bucket is public (through `publicReadPrefixes` on the whole bucket, or
   * public-read uploads); a production bucket then carries a warning.
   * @default false
   */
  readonly publicBucket?: boolean;
}

/**
 * A DigitalOcean Spaces bucket with its companion resources: CORS, bucket policy, access logging
 * and CDN, one provider resource per feature under stable child ids.
 *
 * The bucket is private (ACL `private`) and `force_destroy` is off: destroying a bucket that still
 * holds objects fails instead of deleting them.
 */
export class SpacesMediaBucket extends Construct implements IMediaBucket {
  readonly bucket: SpacesBucket;
  readonly cdn?: SpacesCdn;
  readonly bucketName: string;
  readonly region: string;
  readonly endpoint: string;
  readonly originDomain: string;
  readonly publicDomain: string;
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: SpacesMediaBucketProps) {
    super(scope, id);
    const cors = props.cors ?? [];
    const wildcards = wildcardOrigins(cors);
    new PropsValidator('SpacesMediaBucket')
      .check('name', props.name, bucketNameProblems(props.name))
      .check('region', props.region, spacesRegionProblems(props.region))
      .require(!(props.production === true && wildcards.length > 0),
        "'cors' allows every origin (\"*\"), which production buckets refuse: list the app's origins")
      .throwIfInvalid();
    if (wildcards.length > 0) {
      Annotations.of(this).addWarning(`CORS on ${props.name} allows every origin ("*"); list the app's origins before production.`);
    }
    warnAboutPublicBucket(this, props.name, props);

    const rules = lifecycleRules(props.lifecycle).map(spacesLifecycleRule);
    this.bucket = new SpacesBucket(this, 'Bucket', {
      name: props.name,
      region: props.region,
      acl: 'private',
      forceDestroy: false,
      versioning: { enabled: props.versioning ?? false },
      lifecycleRule: rules.length === 0 ? undefined : rules,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    if (props.versioning !== true) {
      skipCheckov(this.bucket, 'CKV_DIO_1',
        'Versioning is off by the config (buckets.<role>.versioning): objects are replaced in place; once on, a Spaces bucket never returns to unversioned.');
    }
    this.bucketName = this.bucket.name;
    this.region = this.bucket.region;
    this.endpoint = props.endpoint ?? `https://${this.bucket.endpoint}`;
    this.originDomain = this.bucket.bucketDomainName;

    if (cors.length > 0) {
      // The inline cors_rule of the bucket is deprecated in favour of this resource.
      new SpacesBucketCorsConfiguration(this, 'Cors', {
        bucket: this.bucket.id,
        region: this.bucket.region,
        corsRule: cors.map(corsRuleConfig),
      });
    }

    const publicReadPrefixes = props.publicReadPrefixes ?? [];
    if (publicReadPrefixes.length > 0) {
      new SpacesBucketPolicy(this, 'Policy', {
        bucket: this.bucket.id,
        region: this.bucket.region,
        policy: serializePolicy(policyDocument([anonymousReadStatement(this.bucket.name, publicReadPrefixes)])),
      });
    }

    if (props.logging !== undefined) this.logTo(props.logging.targetBucket, props.logging.prefix);

    if (props.cdn !== undefined) {
      this.cdn = new SpacesCdn(this, 'Cdn', {
        ...props.cdn,
        origin: this.bucket.bucketDomainName,
        certificateName: `${props.name}-cdn`,
      });
    }
    this.publicDomain = this.cdn?.domain ?? this.originDomain;
    this.publicUrl = `https://${this.publicDomain}`;
  }

  /** A Spaces key is scoped to whole buckets, by name. */
  accessGrant(prefix: string): BucketGrant {
    return { bucketName: this.bucketName, prefix };
  }

  /**
   * Sends access logs to another bucket (child id `Logging`). Pass the target bucket when it is
   * created in the same app, so Terraform creates it first.
   */
  logTo(target: IMediaBucket | string, prefix: string): SpacesBucketLogging {
    return logInto(this, target, prefix, (targetBucket) =>
      new SpacesBucketLogging(this, 'Logging', { bucket: this.bucket.id, region: this.bucket.region, targetBucket, targetPrefix: prefix }));
  }

  /** Spaces delivers access logs without a permission on the target. */
  acceptAccessLogsFrom(): undefined {
    return undefined;
  }
}

function spacesLifecycleRule(rule: LifecycleRule): SpacesBucketLifecycleRule {
  switch (rule.kind) {
    case 'abortIncompleteMultipartUploads':
      return { id: rule.id, enabled: true, abortIncompleteMultipartUploadDays: rule.days };
    case 'expireNoncurrentVersions':
      return { id: rule.id, enabled: true, noncurrentVersionExpiration: { days: rule.days } };
    case 'expire':
      return { id: rule.id, enabled: true, prefix: rule.prefix, expiration: { days: rule.days } };
  }
}
