/**
 * Builds the "usual setup" the benchmark compares against: the same stacks run the way
 * `cdktf init --template typescript` sets a project up, i.e.
 *
 * - `ts-node main.ts` with type checking (the template's cdktf.json app is `npx ts-node main.ts`),
 *   which needs TypeScript 5.9 (ts-node has no support for TypeScript 7's native compiler);
 * - the template's tsconfig (CommonJS), with lib/target raised from ES2018 to ES2022 because
 *   the project's sources use ES2021+ APIs (String.replaceAll);
 * - provider classes imported from the package root: every deep import
 *   `import { X, type Y } from '@cdktf/provider-p/lib/m'` is rewritten mechanically into
 *   `import * as provider_p from '@cdktf/provider-p'; import X = provider_p.m.X; …`
 *   (the root re-exports each module as a namespace).
 *
 * This is a throw-away copy under the benchmark cache, never a code path of the project. The
 * sources are copied afresh on every call; ts-node and TypeScript are installed once per version
 * set; every other package is a symlink into the project's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { SOURCES, tsFiles } from './floor';

export const PROJECT_DIR = join(__dirname, '..');
/** Pinned so that the cache key is stable; TypeScript 5.9 is the last line ts-node can drive. */
const USUAL_TOOLS = { 'ts-node': '10.9.2', typescript: '5.9.3' } as const;

function benchCacheDir(): string {
  return (
    process.env.MEDIA_STORAGE_BENCH_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdktf-media-storage', 'bench')
  );
}

export function installedVersion(pkg: string, from = PROJECT_DIR): string {
  return (JSON.parse(readFileSync(join(from, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/** ts-node and TypeScript 5.9 (plus the project's @types/node, ts-node's peer), installed once. */
function ensureTools(log: (line: string) => void): string {
  const versions: Record<string, string> = { ...USUAL_TOOLS, '@types/node': installedVersion('@types/node') };
  const key = Object.entries(versions)
    .map(([name, version]) => `${name.replace(/[@/]/g, '')}-${version}`)
    .join('_');
  const dir = join(benchCacheDir(), `usual-tools_${key}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  log(`installing ${Object.entries(versions).map(([n, v]) => `${n}@${v}`).join(', ')} into ${dir} (once)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, dependencies: versions }, null, 2)}\n`);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`npm install in ${dir} failed:\n${install.stdout}\n${install.stderr}`);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return dir;
}

/** `spaces-bucket` → `spacesBucket`, read from the package root's own `export * as x from './m'` lines. */
function rootNamespaces(pkg: string): Map<string, string> {
  const index = readFileSync(join(PROJECT_DIR, 'node_modules', pkg, 'lib', 'index.d.ts'), 'utf8');
  return new Map([...index.matchAll(/^export \* as (\w+) from '\.\/([\w-]+)';$/gm)].map((m) => [m[2], m[1]]));
}

const DEEP_IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@cdktf\/provider-[a-z0-9-]+)\/lib\/([a-z0-9-]+)';[ \t]*$/gm;

/** Rewrites every deep provider import of a source file into root imports; throws on forms it does not know. */
function rootImports(source: string, file: string, namespaces: (pkg: string) => Map<string, string>): string {
  const packages = new Set<string>();
  const ident = (pkg: string) => pkg.replace(/^@cdktf\//, '').replace(/-/g, '_');
  const rewritten = source.replace(DEEP_IMPORT, (_all, typeOnly: string | undefined, specifiers: string, pkg: string, module: string) => {
    const namespace = namespaces(pkg).get(module);
    if (namespace === undefined) throw new Error(`${file}: ${pkg} has no root export for ./${module}`);
    packages.add(pkg);
    return specifiers
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((specifier) => {
        const m = /^(type\s+)?(\w+)(?:\s+as\s+(\w+))?$/.exec(specifier);
        if (m === null) throw new Error(`${file}: cannot rewrite import specifier "${specifier}"`);
        const alias = m[3] ?? m[2];
        // An import alias carries the value and the type meaning, like the named import did.
        const declaration = `import ${alias} = ${ident(pkg)}.${namespace}.${m[2]};`;
        return typeOnly !== undefined || m[1] !== undefined ? `type ${alias} = ${ident(pkg)}.${namespace}.${m[2]};` : declaration;
      })
      .join('\n');
  });
  if (/from\s+'@cdktf\/provider-[a-z0-9-]+\//.test(rewritten)) throw new Error(`${file}: a deep provider import was left unrewritten`);
  const header = [...packages].map((pkg) => `import * as ${ident(pkg)} from '${pkg}';`).join('\n');
  return packages.size === 0 ? rewritten : `${header}\n${rewritten}`;
}

/** The cdktf typescript template's tsconfig.json, lib/target raised to ES2022. */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2022'],
    module: 'CommonJS',
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2022',
    incremental: true,
    skipLibCheck: true,
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdktf.out'],
};

/** node_modules made of symlinks: the project's packages, then the tools' (ts-node, typescript win). */
function linkNodeModules(target: string, toolsDir: string): void {
  const link = (fromDir: string, name: string, override: boolean) => {
    const to = join(target, name);
    if (existsSync(to)) {
      if (!override) return;
      rmSync(to, { recursive: true, force: true });
    }
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(fromDir, name), to);
  };
  const packages = (root: string) =>
    readdirSync(root, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .flatMap((e) => (e.name.startsWith('@') ? readdirSync(join(root, e.name)).map((n) => `${e.name}/${n}`) : [e.name]));
  const projectModules = join(PROJECT_DIR, 'node_modules');
  const toolModules = join(toolsDir, 'node_modules');
  for (const name of packages(projectModules)) if (!(name in USUAL_TOOLS)) link(projectModules, name, false);
  for (const name of packages(toolModules)) link(toolModules, name, name in USUAL_TOOLS);
  mkdirSync(join(target, '.bin'), { recursive: true });
  symlinkSync('../ts-node/dist/bin.js', join(target, '.bin', 'ts-node'));
  symlinkSync('../typescript/bin/tsc', join(target, '.bin', 'tsc'));
}

export interface UsualSetup {
  readonly dir: string;
  /** argv of `ts-node main.ts` (the ts-node binary run by node, without npx). */
  readonly tsNode: readonly string[];
  readonly versions: Readonly<Record<string, string>>;
}

export function ensureUsualSetup(log: (line: string) => void = () => {}): UsualSetup {
  const toolsDir = ensureTools(log);
  const dir = join(benchCacheDir(), 'usual-app');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const source of SOURCES) cpSync(join(PROJECT_DIR, source), join(dir, source), { recursive: true });
  const cache = new Map<string, Map<string, string>>();
  const namespaces = (pkg: string) => {
    if (!cache.has(pkg)) cache.set(pkg, rootNamespaces(pkg));
    return cache.get(pkg)!;
  };
  for (const file of tsFiles(dir)) {
    writeFileSync(file, rootImports(readFileSync(file, 'utf8'), relative(dir, file), namespaces));
  }
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(TEMPLATE_TSCONFIG, null, 2)}\n`);
  writeFileSync(
    join(dir, 'cdktf.json'),
    `${JSON.stringify({ language: 'typescript', app: 'npx ts-node main.ts', terraformProviders: [], terraformModules: [], context: {} }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'usual-setup-copy', version: '1.0.0', main: 'main.js', types: 'main.ts', private: true }, null, 2)}\n`,
  );
  linkNodeModules(join(dir, 'node_modules'), toolsDir);
  return {
    dir,
    tsNode: [process.execPath, join(dir, 'node_modules', 'ts-node', 'dist', 'bin.js'), 'main.ts'],
    versions: {
      'ts-node': installedVersion('ts-node', dir),
      typescript: installedVersion('typescript', dir),
    },
  };
}

if (require.main === module) {
  const setup = ensureUsualSetup(console.error);
  console.log(`${setup.dir}\n${setup.tsNode.join(' ')}`);
}
