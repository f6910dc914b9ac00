/**
 * Node 20 reached its end of life in April 2026. The AWS SDK says so (its releases from 2027 need
 * Node 22) in eight lines on every run that builds a client; Node 24, which the project runs on,
 * gets no warning. Node 20 still passes the suite, so the fact is worth telling once rather than on
 * every run: the SDK's warning is turned off and one line of ours is printed the first time per
 * machine and Node version (a marker file in the user's cache).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The SDK's switch for its warning, read when a client is built. */
const SDK_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** Node 22 is the oldest release line still maintained (until April 2027), and the SDK's floor. */
const OLDEST_MAINTAINED_MAJOR = 22;

export interface NodeNoticeContext {
  /** @default process.version */
  readonly version?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default $XDG_CACHE_HOME/cdktf-media-storage, else ~/.cache/cdktf-media-storage */
  readonly cacheDir?: string;
  /** @default console.error */
  readonly print?: (line: string) => void;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'cdktf-media-storage');
}

/** Whether this is the first time on this machine: creates the marker, true if it did. */
function firstTime(marker: string): boolean {
  try {
    mkdirSync(join(marker, '..'), { recursive: true });
    writeFileSync(marker, `${new Date().toISOString()}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    // Without a writable cache the note is shown every time: too often beats never.
    return (error as NodeJS.ErrnoException).code !== 'EEXIST';
  }
}

/** Call before any AWS SDK client is built. */
export function nodeSupportNotice(context: NodeNoticeContext = {}): void {
  const version = context.version ?? process.version;
  const env = context.env ?? process.env;
  // Someone who turned the SDK's warning off has heard it: ours says the same.
  const optedOut = env[SDK_SWITCH] === 'true';
  env[SDK_SWITCH] ??= 'true';
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (optedOut || !(major < OLDEST_MAINTAINED_MAJOR)) return;
  const marker = join(context.cacheDir ?? defaultCacheDir(env), 'notices', `node-${version}`);
  if (!firstTime(marker)) return;
  (context.print ?? console.error)(
    `note: Node ${version} reached its end of life in April 2026 and AWS SDK releases from 2027 need Node 22 or later: move to Node 24 LTS (shown once on this machine).`,
  );
}
