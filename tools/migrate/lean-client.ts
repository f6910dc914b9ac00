/**
 * The requests a migration sends by the thousand: PUT (an object, or a part of a multipart
 * upload) and the ListObjectsV2 pages,
 * and sent with Node's http client, signed by aws4 (SigV4; 2 MB loaded, against 11 MB for the
 * SDK's @smithy/signature-v4). The SDK's full middleware stack costs about 1.7 ms of CPU per
 * request against 0.45 ms for this (measured on the machines this project runs on), and loading
 * @aws-sdk/client-s3 adds 22 MB to the process; a migration of small files
 * is thousands of PUTs sharing two cores with everything else. The rare requests (HEAD, multipart
 * create/complete/abort, delete) go through the S3 client, loaded only when one is sent.
 *
 * Errors take the SDK's shape (`name` = S3 error code, `$metadata.httpStatusCode`), so the retry
 * policy classifies both alike.
 */
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { sign } from 'aws4';
import { XMLParser } from 'fast-xml-parser';
import { type S3Target } from '../s3-target';

/** RFC 3986 encoding (encodeURIComponent leaves !'()* alone), as SigV4 canonicalizes. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The request path of a key (or of the bucket, for ''), in the target's addressing style. */
function pathAndHost(target: S3Target, key: string): { host: string; protocol: string; path: string } {
  const url = new URL(target.endpoint);
  const encoded = key.split('/').map(encodeRfc3986).join('/');
  if (target.pathStyle) return { host: url.host, protocol: url.protocol, path: `/${target.bucket}/${encoded}` };
  return { host: `${target.bucket}.${url.host}`, protocol: url.protocol, path: `/${encoded}` };
}

export interface LeanTarget {
  readonly target: S3Target;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  /** No byte moved either way on the connection for this long: abort. */
  readonly stallTimeoutMs: number;
}

export interface PutRequest {
  /** Object key; '' addresses the bucket. */
  readonly key: string;
  /** Query parameters (partNumber and uploadId for a part). */
  readonly query?: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | (() => Readable);
  readonly contentLength: number;
  /** Whole-request limit; 0 for none (large bodies: the stall timeout bounds them). */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** An S3 error answer, shaped as the SDK shapes one. */
export class S3Error extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

export interface ListPage {
  readonly objects: readonly ListedObject[];
  readonly nextToken?: string;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Keys come URL-encoded (encoding-type=url), as S3 encodes them: `+` or %20 for a space. */
function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export class LeanS3 {
  // Values stay strings: a key like "0012" or an ETag must not turn into a number.
  private readonly xml = new XMLParser({ parseTagValue: false, ignoreAttributes: true, processEntities: true });

  constructor(private readonly options: LeanTarget) {}

  /** Sends a PUT; resolves to the ETag the service answered with. */
  async put(request: PutRequest): Promise<string | undefined> {
    const answer = await this.send('PUT', request);
    const etag = answer.headers.etag;
    return Array.isArray(etag) ? etag[0] : etag;
  }

  /**
   * One ListObjectsV2 page (up to 1,000 keys). URL-encoded keys, so a key with characters XML 1.0
   * cannot carry, stored by another tool, lists like any other.
   */
  async list(prefix: string, token: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<ListPage> {
    const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url', 'max-keys': '1000' };
    if (prefix !== '') query.prefix = prefix;
    if (token !== undefined) query['continuation-token'] = token;
    const answer = await this.send('GET', { key: '', query, headers: {}, body: Buffer.alloc(0), contentLength: 0, timeoutMs, signal });
    const parsed = this.xml.parse(answer.body) as { ListBucketResult?: { Contents?: unknown; IsTruncated?: string; NextContinuationToken?: string } };
    const result = parsed.ListBucketResult;
    if (result === undefined) throw new Error(`ListObjectsV2: not a listing (${answer.body.toString('utf8').slice(0, 200)})`);
    const objects = asArray(result.Contents as { Key?: string; Size?: string; ETag?: string } | Array<{ Key?: string; Size?: string; ETag?: string }>)
      .filter((object) => object.Key !== undefined)
      .map((object) => ({ key: decodeKey(object.Key!), size: Number(object.Size ?? -1), etag: object.ETag }));
    return { objects, nextToken: result.IsTruncated === 'true' ? result.NextContinuationToken : undefined };
  }

  private async send(method: 'PUT' | 'GET', request: PutRequest): Promise<Answer> {
    const { host, protocol, path } = pathAndHost(this.options.target, request.key);
    const query = Object.entries(request.query ?? {})
      .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
      .join('&');
    const headers: Record<string, string> = {
      ...request.headers,
      // The body is protected by TLS and, for small files, Content-MD5; hashing it for the
      // signature would read it twice.
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    };
    if (method === 'PUT') headers['content-length'] = String(request.contentLength);
    const signed = sign(
      { host, method, path: query === '' ? path : `${path}?${query}`, service: 's3', region: this.options.target.region, headers },
      this.options.credentials,
    );
    const https = protocol === 'https:';
    const url = new URL(`${protocol}//${host}`);
    return new Promise<Answer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const send = https ? httpsRequest : httpRequest;
      const req = send(
        {
          method,
          host: url.hostname,
          port: url.port === '' ? undefined : Number(url.port),
          path: signed.path,
          headers: signed.headers,
          agent: https ? this.options.httpsAgent : this.options.httpAgent,
          signal: request.signal,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            clearTimeout(timer);
            const status = response.statusCode ?? 0;
            const body = Buffer.concat(chunks);
            if (status >= 200 && status < 300) return resolve({ status, headers: response.headers, body });
            const text = body.toString('utf8', 0, Math.min(body.length, 4096));
            const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
            const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? (text.slice(0, 200) || `HTTP ${status}`);
            reject(new S3Error(code, message, status));
          });
        },
      );
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.setTimeout(this.options.stallTimeoutMs, () =>
        req.destroy(timeoutError(`no byte moved for ${this.options.stallTimeoutMs / 1000} s (--stall-timeout)`)),
      );
      if (request.timeoutMs > 0) {
        timer = setTimeout(() => req.destroy(timeoutError(`no answer within ${request.timeoutMs / 1000} s (--request-timeout)`)), request.timeoutMs);
      }
      if (method === 'GET') {
        req.end();
      } else if (Buffer.isBuffer(request.body)) {
        req.end(request.body);
      } else {
        const body = request.body();
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      }
    });
  }
}
