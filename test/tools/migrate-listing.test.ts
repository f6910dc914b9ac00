import { parseListing } from '../../tools/migrate/lean-client';

describe('parseListing', () => {
  it('reads keys (URL-decoded), sizes and ETags, with entities decoded, and the continuation token', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><IsTruncated>true</IsTruncated>
<Contents><Key>prod/a+b%2Bc%26d%C3%A9.jpg</Key><LastModified>2026-12-04T18:40:03.000Z</LastModified><ETag>&quot;e1e82b58e1c935a9c40f11e7dc7464c5&quot;</ETag><Size>10805</Size></Contents>
<Contents><Key>prod/0012</Key><ETag>"065c2ce2c338640496005f2f7b28d72c-3"</ETag><Size>0</Size></Contents>
<EncodingType>url</EncodingType><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>`;
    expect(parseListing(xml)).toEqual({
      objects: [
        { key: 'prod/a b+c&dé.jpg', size: 10805, etag: '"e1e82b58e1c935a9c40f11e7dc7464c5"' },
        { key: 'prod/0012', size: 0, etag: '"065c2ce2c338640496005f2f7b28d72c-3"' },
      ],
      nextToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
    });
  });

  it('has no continuation token on the last page', () => {
    expect(parseListing('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toEqual({ objects: [], nextToken: undefined });
  });

  it('refuses an answer that is not a listing', () => {
    expect(() => parseListing('<Error><Code>AccessDenied</Code></Error>')).toThrow(/not a listing/);
  });
});
