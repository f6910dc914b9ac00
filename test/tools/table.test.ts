import { formatBytes, formatTable, parseSize } from '../../tools/table';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(formatTable(['ROLE', 'CHECK', 'RESULT'], [['media', 'region', 'PASS'], ['backups', 'canary', 'FAIL']])).toBe(
      ['ROLE     CHECK   RESULT', '-------  ------  ------', 'media    region  PASS', 'backups  canary  FAIL'].join('\n'),
    );
  });

  it('counts a non-ASCII character as one column', () => {
    const lines = formatTable(['A', 'B'], [['café', 'x']]).split('\n');
    expect(lines[2]).toBe('café  x');
  });
});

describe('sizes', () => {
  it.each([
    ['5MiB', 5 * 1024 * 1024],
    ['64 MB', 64_000_000],
    ['1048576', 1048576],
    ['1.5k', 1500],
  ])('parses %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('refuses a size without a number', () => {
    expect(() => parseSize('big')).toThrow(/not a size/);
  });

  it('formats bytes in binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(12 * 1024 * 1024)]).toEqual(['512 B', '1.5 KiB', '12.0 MiB']);
  });
});
