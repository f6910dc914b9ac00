// An app shaped like seance's backend (its /deploy endpoint): the AWS SDK v3 on Spaces, configured
// only by the SPACES_* keys of the Kubernetes secret. It uploads a file under the environment's
// path prefix, public-read so the CDN can serve it, and answers the file's CDN URL.
//
// Usage: node seance_backend.mjs <path> <content>
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const env = process.env;
const client = new S3Client({
  endpoint: env.SPACES_ENDPOINT,
  region: env.SPACES_REGION,
  credentials: { accessKeyId: env.SPACES_ACCESS_KEY_ID, secretAccessKey: env.SPACES_SECRET_ACCESS_KEY },
  forcePathStyle: false,
});
const [path, content] = process.argv.slice(2);
const key = `${env.SPACES_PATH_PREFIX}/${path}`;
await client.send(new PutObjectCommand({ Bucket: env.SPACES_BUCKET, Key: key, Body: content, ContentType: 'text/plain', ACL: 'public-read' }));
console.log(JSON.stringify({ path, key, url: `${env.SPACES_CDN_ENDPOINT}/${key}` }));
client.destroy();
