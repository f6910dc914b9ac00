import {
  DEFAULT_CACHE_CONTROL,
  decide,
  destinationRoot,
  isPlainRelativePath,
  keyProblem,
  objectKey,
  relativePathOfKey,
  storageClass,
  uploadHeaders,
} from '../../tools/migrate/plan';

const rules = { publicPrefixes: ['media', 'static'], privatePrefixes: ['documents'], staticPrefixes: ['static'] };

describe('destination', () => {
  it("joins the environment's prefix and --into", () => {
    expect(destinationRoot('prod', 'media/')).toBe('prod/media');
  });

  it('is the bucket root for a bucket of its own without --into', () => {
    expect(destinationRoot('', undefined)).toBe('');
  });

  it('refuses an --into that climbs out of the prefix', () => {
    expect(() => destinationRoot('prod', '../dev')).toThrow(/must not contain "." or ".." segments/);
  });

  it('keeps relative paths as they are under the root', () => {
    expect([objectKey('prod/media', 'photos 2024/café.jpg'), objectKey('', 'a.txt')]).toEqual(['prod/media/photos 2024/café.jpg', 'a.txt']);
  });
});

describe('storageClass', () => {
  it.each([
    ['media/avatars/1.jpg', 'public'],
    ['static/css/site.css', 'static'],
    ['documents/invoice.pdf', 'private'],
    ['tmp/upload.bin', 'private'],
    ['media-archive/old.jpg', 'private'],
  ])('puts %s in the %s class', (key, klass) => {
    expect(storageClass(key, rules)).toBe(klass);
  });
});

describe('uploadHeaders', () => {
  const base = { contentType: 'image/jpeg', cacheControl: DEFAULT_CACHE_CONTROL, sha256: 'abc' };

  it('uploads public objects with the public-read ACL under the acl model', () => {
    expect(uploadHeaders({ ...base, storageClass: 'public', access: 'acl' })).toEqual({
      ContentType: 'image/jpeg',
      CacheControl: 'public, max-age=86400',
      ACL: 'public-read',
      Metadata: { sha256: 'abc' },
    });
  });

  it('sends no ACL under the policy model', () => {
    expect(uploadHeaders({ ...base, storageClass: 'public', access: 'policy' })).not.toHaveProperty('ACL');
  });

  it('keeps private objects private, with no-cache', () => {
    expect(uploadHeaders({ ...base, storageClass: 'private', access: 'acl' })).toMatchObject({ CacheControl: 'private, no-cache' });
    expect(uploadHeaders({ ...base, storageClass: 'private', access: 'acl' })).not.toHaveProperty('ACL');
  });

  it('gives static files the long cache lifetime', () => {
    expect(uploadHeaders({ ...base, storageClass: 'static', access: 'policy' }).CacheControl).toBe('public, max-age=31536000');
  });
});

describe('decide', () => {
  const md5 = '0123456789abcdef0123456789abcdef';
  const known = { md5, sha256: 'aa' };
  const base = { size: 10, force: false, etagsAreMd5: true };

  it('uploads a file that is not there, without hashing it', () => {
    expect(decide({ ...base, remote: undefined })).toEqual({ action: 'upload', reason: 'new' });
  });

  it('uploads again when the size differs, without hashing', () => {
    expect(decide({ ...base, remote: { size: 11, etag: `"${md5}"` } })).toMatchObject({ action: 'upload', reason: 'size differs (11 there)' });
  });

  it('asks for the checksums when the size is the same and the content is not known', () => {
    expect(decide({ ...base, remote: { size: 10, etag: `"${md5}"` } })).toEqual({ action: 'hash' });
  });

  it('skips an object whose ETag is the one recorded when this content was copied', () => {
    const kmsEtag = 'ffffffffffffffffffffffffffffffff';
    expect(decide({ ...base, remote: { size: 10, etag: `"${kmsEtag}"` }, known: { ...known, etag: kmsEtag } })).toMatchObject({ action: 'skip' });
  });

  it('skips an object another tool uploaded in one part when its ETag is the MD5', () => {
    expect(decide({ ...base, remote: { size: 10, etag: `"${md5.toUpperCase()}"` }, known })).toEqual({ action: 'skip', reason: 'same size and MD5 (ETag)' });
  });

  it('uploads an edit that kept the size, seen by its MD5', () => {
    expect(decide({ ...base, remote: { size: 10, etag: '"ffffffffffffffffffffffffffffffff"' }, known })).toEqual({ action: 'upload', reason: 'content differs (MD5)' });
  });

  it("asks the stored SHA-256 when the bucket's ETags are not MD5s", () => {
    expect(decide({ ...base, etagsAreMd5: false, remote: { size: 10, etag: '"ffffffffffffffffffffffffffffffff"' }, known }).action).toBe('head');
  });

  it('skips a multipart object whose ETag is reproduced with the same part size', () => {
    const multipartEtag = `${md5}-3`;
    expect(decide({ ...base, remote: { size: 10, etag: `"${multipartEtag}"` }, known: { ...known, multipartEtag } }).action).toBe('skip');
  });

  it('uploads a multipart object with the same part count but another ETag', () => {
    expect(decide({ ...base, remote: { size: 10, etag: '"ffffffffffffffffffffffffffffffff-3"' }, known: { ...known, multipartEtag: `${md5}-3` } }).action).toBe('upload');
  });

  it('asks the stored SHA-256 over a multipart ETag of another part size', () => {
    expect(decide({ ...base, remote: { size: 10, etag: '"ffffffffffffffffffffffffffffffff-5"' }, known: { ...known, multipartEtag: `${md5}-3` } })).toMatchObject({ action: 'head', reason: 'multipart ETag of another part size' });
  });

  it('uploads an identical object when forced', () => {
    expect(decide({ ...base, force: true, remote: { size: 10, etag: `"${md5}"` }, known })).toEqual({ action: 'upload', reason: 'forced' });
  });
});

describe('keyProblem', () => {
  it('accepts a key of 1,024 bytes', () => {
    expect(keyProblem('k'.repeat(1024))).toBeUndefined();
  });

  it("refuses a key over S3's 1,024 bytes, counting UTF-8 bytes", () => {
    expect(keyProblem('é'.repeat(513))).toMatch(/1026 bytes, over S3's limit of 1024/);
  });

  it('refuses control characters, which an XML listing cannot carry', () => {
    expect(keyProblem('media/a\u0001b.jpg')).toMatch(/control character U\+0001/);
  });

  it('accepts spaces and non-ASCII letters', () => {
    expect(keyProblem('media/café menu/写真 1.png')).toBeUndefined();
  });
});

describe('keys considered by --delete', () => {
  it('maps a key under the root to its relative path', () => {
    expect(relativePathOfKey('prod/media', 'prod/media/a/b.jpg')).toBe('a/b.jpg');
  });

  it('ignores a sibling prefix that merely starts with the same letters', () => {
    expect(relativePathOfKey('prod/media', 'prod/media-archive/a.jpg')).toBeUndefined();
  });

  it('ignores folder markers', () => {
    expect(relativePathOfKey('prod/media', 'prod/media/photos/')).toBeUndefined();
  });

  it('considers nothing at the bucket root', () => {
    expect(relativePathOfKey('', 'a.jpg')).toBeUndefined();
  });

  it('tells keys that cannot be file paths apart', () => {
    expect([isPlainRelativePath('a/b.jpg'), isPlainRelativePath('a//b.jpg'), isPlainRelativePath('a/../b')]).toEqual([true, false, false]);
  });
});
