/**
 * migrate-media's lean client (listings and PUTs signed by aws4, not by the SDK) against a server
 * that checks signatures: moto with IAM authentication on (INITIAL_NO_AUTH_ACTION_COUNT: the first
 * requests are free, every later one must be signed by a key of a moto IAM user). Keys with the
 * characters that SigV4 encodes specially must sign as the server computes them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BucketLocationConstraint, CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type Destination, migrate, scratch, writeTree } from './migrate-helpers';
import { outputsFile, type S3Server, startS3Server } from './s3-server';

let server: S3Server;
let client: S3Client;
let key: { accessKeyId: string; secretAccessKey: string };
const work = scratch('migrate-signing');
const FREE_REQUESTS = 3;

/** An IAM call of the free ones: moto answers unsigned requests until the count is spent. */
async function iam(action: string, parameters: Record<string, string>): Promise<string> {
  const response = await fetch(`${server.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/iam/aws4_request' },
    body: new URLSearchParams({ Action: action, Version: '2010-05-08', ...parameters }).toString(),
  });
  return response.text();
}

function destinationWith(bucket: string, credentials: { accessKeyId: string; secretAccessKey: string }): Destination {
  const outputs = join(work, `${bucket}-${credentials.secretAccessKey.slice(0, 4)}.json`);
  const json = JSON.parse(outputsFile(server, 'app-prod', { bucket, prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'policy' })) as Record<string, Record<string, unknown>>;
  json['app-prod'].credentials = { access_key_id: credentials.accessKeyId, secret_access_key: credentials.secretAccessKey };
  writeFileSync(outputs, JSON.stringify(json));
  return { bucket, outputs, stateDir: join(work, `${bucket}-state`) };
}

beforeAll(async () => {
  server = await startS3Server({ env: { INITIAL_NO_AUTH_ACTION_COUNT: String(FREE_REQUESTS) } });
  await iam('CreateUser', { UserName: 'migrator' });
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  await iam('PutUserPolicy', { UserName: 'migrator', PolicyName: 's3', PolicyDocument: JSON.stringify(policy) });
  const created = await iam('CreateAccessKey', { UserName: 'migrator' });
  key = { accessKeyId: /<AccessKeyId>([^<]+)/.exec(created)![1], secretAccessKey: /<SecretAccessKey>([^<]+)/.exec(created)![1] };
  client = new S3Client({ endpoint: server.endpoint, region: 'sfo3', forcePathStyle: true, credentials: key, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await client.send(new CreateBucketCommand({ Bucket: 'signed', CreateBucketConfiguration: { LocationConstraint: 'sfo3' as BucketLocationConstraint } }));
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

describe('migrate-media against a server that checks signatures', () => {
  const names = ["media/a b+c&d=e.jpg", "media/x!'()*~.txt", 'media/café/写真 1.png', 'media/plain.txt', 'media/%41 percent.txt'];
  const root = join(work, 'tree');
  writeTree(root, Object.fromEntries(names.map((name) => [name, `content of ${name}`])));

  it('copies keys with spaces, +, &, =, !\'()*~, % and non-ASCII letters with accepted signatures', async () => {
    const run = migrate(root, destinationWith('signed', key));
    expect(run.summary).toMatchObject({ copied: names.length, failed: 0 });
    const got = await client.send(new GetObjectCommand({ Bucket: 'signed', Key: "prod/media/x!'()*~.txt" }));
    expect(await got.Body?.transformToString()).toBe("content of media/x!'()*~.txt");
  });

  it('lists them back under a signed, URL-encoded listing and skips them all', () => {
    const run = migrate(root, destinationWith('signed', key));
    expect(run.summary).toMatchObject({ copied: 0, skipped: names.length });
  });

  it('is refused with a wrong secret, and says the bucket does not answer to these credentials', () => {
    const run = migrate(root, destinationWith('signed', { ...key, secretAccessKey: 'wrong-secret' }));
    expect(run.stderr).toMatch(/bucket signed does not answer with these credentials \(SignatureDoesNotMatch \(HTTP 403\)/);
    expect(run.code).toBe(2);
  });
});
