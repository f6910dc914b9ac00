import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSupportNotice } from '../../tools/node-notice';

const SDK_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'node-notice-'));
});
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

function notice(version: string, env: NodeJS.ProcessEnv = {}): string[] {
  const lines: string[] = [];
  nodeSupportNotice({ version, env, cacheDir, print: (line) => lines.push(line) });
  return lines;
}

describe('nodeSupportNotice', () => {
  it('tells a Node 20 user once, in one line, to move to Node 24', () => {
    const first = notice('v20.20.2');
    expect(first).toEqual([expect.stringMatching(/^note: Node v20\.20\.2 reached its end of life in April 2026 .*: move to Node 24 LTS \(shown once on this machine\)\.$/)]);
    expect(notice('v20.20.2')).toEqual([]);
  });

  it('tells again after a change of Node version, which the marker is named after', () => {
    notice('v20.19.0');
    expect(notice('v20.20.2')).toHaveLength(1);
  });

  it('says nothing on Node 22 and later', () => {
    expect([...notice('v22.12.0'), ...notice('v24.22.3')]).toEqual([]);
  });

  it("turns the AWS SDK's own warning off, on every Node version", () => {
    const env: NodeJS.ProcessEnv = {};
    notice('v24.22.3', env);
    expect(env[SDK_SWITCH]).toBe('true');
  });

  it('says nothing to a user who turned the SDK warning off', () => {
    expect(notice('v20.20.2', { [SDK_SWITCH]: 'true' })).toEqual([]);
  });

  it('tells every time when the cache cannot be written, rather than never', () => {
    // A file where the cache directory should be: no marker can be made under it.
    const file = join(cacheDir, 'a-file');
    writeFileSync(file, '');
    const lines: string[] = [];
    for (let i = 0; i < 2; i += 1) nodeSupportNotice({ version: 'v20.20.2', env: {}, cacheDir: file, print: (line) => lines.push(line) });
    expect(lines).toHaveLength(2);
  });
});
