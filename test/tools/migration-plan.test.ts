import {
  DEFAULT_CACHE_CONTROL,
  decide,
  destinationRoot,
  isPlainRelativePath,
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
  const local = { size: 10, sha256: 'aa', md5: '0123456789abcdef0123456789abcdef' };

  it('uploads a file that is not there', () => {
    expect(decide(local, undefined)).toEqual({ action: 'upload', reason: 'new' });
  });

  it('skips an object with the same size and stored SHA-256', () => {
    expect(decide(local, { size: 10, sha256: 'aa', etag: '"x-2"' }).action).toBe('skip');
  });

  it('uploads again when the stored SHA-256 differs', () => {
    expect(decide(local, { size: 10, sha256: 'bb' })).toEqual({ action: 'upload', reason: 'SHA-256 differs' });
  });

  it('uploads again when the size differs', () => {
    expect(decide(local, { size: 11, sha256: 'aa' }).reason).toMatch(/size differs/);
  });

  it('skips an object another tool uploaded in one part when its ETag is the MD5', () => {
    expect(decide(local, { size: 10, etag: '"0123456789ABCDEF0123456789ABCDEF"' })).toEqual({ action: 'skip', reason: 'same size and MD5 (ETag)' });
  });

  it('uploads again over a multipart ETag without stored checksum', () => {
    expect(decide(local, { size: 10, etag: '"0123456789abcdef0123456789abcdef-3"' }).reason).toMatch(/multipart ETag/);
  });

  it('uploads an identical object when forced', () => {
    expect(decide(local, { size: 10, sha256: 'aa' }, true)).toEqual({ action: 'upload', reason: 'forced' });
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
