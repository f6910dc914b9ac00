import { collapse, parseCdnTarget, purgeCommand, purgeRequest } from '../../tools/migrate/cdn';

describe('parseCdnTarget', () => {
  it('reads a Spaces CDN endpoint id and a CloudFront distribution id', () => {
    expect(parseCdnTarget('spaces:19f06b6a-3ace-4315-b086-499a0e521b76')).toEqual({ kind: 'spaces', id: '19f06b6a-3ace-4315-b086-499a0e521b76' });
    expect(parseCdnTarget('cloudfront:E2QWRUHAPOMQZL')).toEqual({ kind: 'cloudfront', id: 'E2QWRUHAPOMQZL' });
  });

  it('refuses anything else and says what it takes', () => {
    expect(() => parseCdnTarget('fastly:abc')).toThrow(/use spaces:<CDN endpoint id> or cloudfront:<distribution id>/);
  });
});

describe('collapse', () => {
  it('keeps the keys when they are few enough', () => {
    expect(collapse(['b/2.jpg', 'a/1.jpg'], 5)).toEqual(['a/1.jpg', 'b/2.jpg']);
  });

  it('goes up one directory level at a time until the paths fit', () => {
    const keys = ['prod/media/a/1.jpg', 'prod/media/a/2.jpg', 'prod/media/b/1.jpg', 'prod/media/b/2.jpg', 'prod/static/x.css'];
    expect(collapse(keys, 3)).toEqual(['prod/media/a/*', 'prod/media/b/*', 'prod/static/x.css']);
    expect(collapse(keys, 2)).toEqual(['prod/media/*', 'prod/static/*']);
    expect(collapse(keys, 1)).toEqual(['prod/*']);
  });
});

describe('purgeRequest', () => {
  const spaces = { kind: 'spaces', id: 'abc' } as const;
  const cloudfront = { kind: 'cloudfront', id: 'E1' } as const;

  it("sends up to 50 files to the Spaces CDN as they are (DigitalOcean's limit per 20 seconds)", () => {
    const keys = Array.from({ length: 50 }, (_, i) => `prod/media/${i}.jpg`);
    expect(purgeRequest(spaces, keys, false, 'prod').paths).toHaveLength(50);
  });

  it('purges directories of the Spaces CDN by wildcard past 50 files, at most 5 of them', () => {
    const keys = Array.from({ length: 51 }, (_, i) => `prod/media/${i % 3}/${i}.jpg`);
    expect(purgeRequest(spaces, keys, false, 'prod').paths).toEqual(['prod/media/0/*', 'prod/media/1/*', 'prod/media/2/*']);
  });

  it('purges everything under the root when more keys changed than were kept', () => {
    expect(purgeRequest(spaces, ['prod/a.jpg'], true, 'prod').paths).toEqual(['prod/*']);
    expect(purgeRequest(cloudfront, ['prod/a.jpg'], true, 'prod').paths).toEqual(['/prod/*']);
  });

  it('gives CloudFront URL-encoded paths from "/", under the CDN URL\'s own path, sorted', () => {
    expect(purgeRequest(cloudfront, ['prod/media/z.jpg', 'prod/media/a b+c.jpg'], false, 'prod').paths).toEqual(['/prod/media/a%20b%2Bc.jpg', '/prod/media/z.jpg']);
    expect(purgeRequest(cloudfront, ['prod/a.jpg'], false, 'prod', '/cdn/').paths).toEqual(['/cdn/prod/a.jpg']);
  });

  it('uses at most 15 CloudFront wildcards past 3,000 paths', () => {
    const keys = Array.from({ length: 3001 }, (_, i) => `prod/media/${i % 20}/${i}.jpg`);
    expect(purgeRequest(cloudfront, keys, false, 'prod').paths).toEqual(['/prod/media/*']);
  });
});

describe('purgeCommand', () => {
  it("is a curl of DigitalOcean's API with the token taken from the environment, not written out", () => {
    const command = purgeCommand({ target: { kind: 'spaces', id: 'abc' }, paths: ["prod/it's.jpg"] });
    expect(command).toBe(
      `curl -fsS -X DELETE -H "Authorization: Bearer $DIGITALOCEAN_TOKEN" -H 'Content-Type: application/json' --data '{"files":["prod/it'\\''s.jpg"]}' https://api.digitalocean.com/v2/cdn/endpoints/abc/cache`,
    );
  });

  it('is an aws cloudfront create-invalidation for CloudFront', () => {
    expect(purgeCommand({ target: { kind: 'cloudfront', id: 'E1' }, paths: ['/prod/a.jpg'] })).toMatch(
      /^aws cloudfront create-invalidation --distribution-id E1 --invalidation-batch '\{"Paths":\{"Quantity":1,"Items":\["\/prod\/a\.jpg"\]\},"CallerReference":"migrate-media-\d+"\}'$/,
    );
  });
});
