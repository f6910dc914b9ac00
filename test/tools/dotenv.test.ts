import { quoteDotenvValue, renderDotenv } from '../../tools/env/dotenv';

describe('quoteDotenvValue', () => {
  it.each([
    ['seance-cdn', 'seance-cdn'],
    ['https://sfo3.digitaloceanspaces.com', 'https://sfo3.digitaloceanspaces.com'],
    ['abc+def/ghi=', 'abc+def/ghi='],
    ['', ''],
  ])('leaves %j bare', (value, quoted) => {
    expect(quoteDotenvValue(value)).toBe(quoted);
  });

  it.each([
    ['has space', "'has space'"],
    ['a#b', "'a#b'"],
    ['$HOME', "'$HOME'"],
    ['say "hi"', `'say "hi"'`],
  ])('single-quotes %j so that no reader expands or cuts it', (value, quoted) => {
    expect(quoteDotenvValue(value)).toBe(quoted);
  });

  it('double-quotes a value holding a single quote, escaping backslashes and newlines', () => {
    expect(quoteDotenvValue("it's\\\nnext")).toBe('"it\'s\\\\\\nnext"');
  });

  it('refuses a value no quoting keeps intact in every reader', () => {
    expect(() => quoteDotenvValue("it's $5")).toThrow(/no dotenv quoting/);
  });
});

describe('renderDotenv', () => {
  it('writes values, comments and withheld secrets on their own lines', () => {
    expect(
      renderDotenv([
        { kind: 'comment', text: 'Storage settings' },
        { kind: 'withheld', key: 'SPACES_SECRET_ACCESS_KEY' },
        { kind: 'value', key: 'SPACES_BUCKET', value: 'seance-cdn', description: 'bucket name' },
      ]),
    ).toBe(
      '# Storage settings\n# SPACES_SECRET_ACCESS_KEY=  (secret, withheld: rerun with --with-secrets)\n# bucket name\nSPACES_BUCKET=seance-cdn\n',
    );
  });

  it('refuses a key that is not a variable name', () => {
    expect(() => renderDotenv([{ kind: 'value', key: 'BAD-KEY', value: 'x' }])).toThrow(/not a valid environment variable name/);
  });
});
