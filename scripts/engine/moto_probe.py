"""Probe what the local moto S3 answers for the calls the Spaces/S3 resources make.

Run inside the services' namespace with the moto venv's python (boto3 comes with moto):
  scripts/engine/services.sh exec $ENGINE_CACHE/moto-<v>/venv/bin/python scripts/engine/moto_probe.py
Uses virtual-hosted addressing (<bucket>.s3local), as the DigitalOcean provider's aws-sdk-go
client does, and SigV4 with region us-east-1, as that provider signs. Optional argument: a
bucket/key that must exist (e.g. the smoke check's state object). Prints one line per check;
exits 1 if a check failed.
"""

import json
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("ENGINE_S3_ENDPOINT", "http://s3local:4566")
results = []


def client(style):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("SPACES_ACCESS_KEY_ID", "engine-test"),
        aws_secret_access_key=os.environ.get("SPACES_SECRET_ACCESS_KEY", "engine-test-secret"),
        config=Config(s3={"addressing_style": style}, retries={"max_attempts": 1}),
    )


def check(name, fn):
    try:
        detail = fn()
        results.append(True)
        print(f"ok    {name}{': ' + detail if detail else ''}")
    except Exception as e:  # noqa: BLE001 - report every failure as a line
        results.append(False)
        print(f"FAIL  {name}: {type(e).__name__}: {e}")


vh = client("virtual")
bucket = f"probe-{uuid.uuid4().hex[:8]}"
rules = [{"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://example.test"],
          "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]

if len(sys.argv) > 1:
    b, _, k = sys.argv[1].partition("/")
    check(f"state object {b}/{k} exists (path-style, signed)",
          lambda: f"{client('path').head_object(Bucket=b, Key=k)['ContentLength']} bytes")

# The DigitalOcean provider creates without a LocationConstraint (the region is in the endpoint
# host), then puts the canned ACL, and reads the region back from GetBucketLocation: an empty
# constraint (us-east-1) leaves the configured region in state.
check("CreateBucket (virtual-hosted, no LocationConstraint, ACL private)",
      lambda: vh.create_bucket(Bucket=bucket, ACL="private") and None)
check("HeadBucket", lambda: vh.head_bucket(Bucket=bucket) and None)
check("PutBucketAcl private + GetBucketAcl", lambda: vh.put_bucket_acl(Bucket=bucket, ACL="private")
      and ", ".join(g["Permission"] for g in vh.get_bucket_acl(Bucket=bucket)["Grants"]))
check("GetBucketLocation", lambda: repr(vh.get_bucket_location(Bucket=bucket)["LocationConstraint"]))
check("PutBucketVersioning Enabled + Get",
      lambda: vh.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
      and vh.get_bucket_versioning(Bucket=bucket).get("Status"))
check("PutBucketLifecycleConfiguration + Get", lambda: vh.put_bucket_lifecycle_configuration(
    Bucket=bucket, LifecycleConfiguration={"Rules": [{"ID": "expire-tmp", "Status": "Enabled",
                                                      "Filter": {"Prefix": "tmp/"},
                                                      "Expiration": {"Days": 7}}]})
      and json.dumps(vh.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]))
check("PutBucketCors + Get", lambda: vh.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
      and json.dumps(vh.get_bucket_cors(Bucket=bucket)["CORSRules"]))
policy = {"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                                  "Action": ["s3:GetObject"],
                                                  "Resource": [f"arn:aws:s3:::{bucket}/public/*"]}]}
check("PutBucketPolicy + Get", lambda: vh.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
      and vh.get_bucket_policy(Bucket=bucket)["Policy"][:60] + "...")


def conditional_put():
    vh.put_object(Bucket=bucket, Key="lock", Body=b"1", IfNoneMatch="*")
    try:
        vh.put_object(Bucket=bucket, Key="lock", Body=b"2", IfNoneMatch="*")
    except ClientError as e:
        return f"second PUT refused with {e.response['Error']['Code']}"
    raise AssertionError("second If-None-Match PUT succeeded: no conditional writes")


check("PutObject If-None-Match: * (use_lockfile needs it)", conditional_put)
check("DeleteBucketCors + DeleteBucketPolicy", lambda: vh.delete_bucket_cors(Bucket=bucket)
      and vh.delete_bucket_policy(Bucket=bucket) and None)


def empty_and_delete():
    for v in vh.list_object_versions(Bucket=bucket).get("Versions", []):
        vh.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    for m in vh.list_object_versions(Bucket=bucket).get("DeleteMarkers", []):
        vh.delete_object(Bucket=bucket, Key=m["Key"], VersionId=m["VersionId"])
    vh.delete_bucket(Bucket=bucket)


check("empty (all versions) + DeleteBucket", empty_and_delete)
sys.exit(0 if all(results) else 1)
