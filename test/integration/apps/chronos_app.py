"""An app shaped like chronos-db's storage layer: boto3 on Spaces, configured only by the
DO_SPACES_* variables of one bucket's settings (endpoint, region, bucket, key), with
virtual-hosted addressing as the chronos guide recommends. Writes one object and prints its key.

Usage: chronos_app.py <key> <content>
"""
import json
import os
import sys

import boto3
from botocore.config import Config

client = boto3.client(
    "s3",
    endpoint_url=os.environ["DO_SPACES_ENDPOINT"],
    region_name=os.environ["DO_SPACES_REGION"],
    aws_access_key_id=os.environ["DO_SPACES_ACCESS_KEY"],
    aws_secret_access_key=os.environ["DO_SPACES_SECRET_KEY"],
    config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4"),
)
bucket = os.environ["DO_SPACES_BUCKET"]
key, content = sys.argv[1], sys.argv[2]
client.put_object(Bucket=bucket, Key=key, Body=content.encode(), ContentType="text/plain")
print(json.dumps({"bucket": bucket, "key": key}))
