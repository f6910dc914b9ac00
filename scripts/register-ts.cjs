/**
 * Runs the project's TypeScript for `npm run synth` and `cdktf synth/deploy`:
 *
 *   node --require ./scripts/register-ts.cjs main.ts
 *
 * A CommonJS require hook for the project's own .ts files. esbuild transpiles each file once; the
 * output is cached under node_modules/.cache/ keyed by the source, the tsconfig and esbuild's
 * version. Packages load through Node untouched.
 *
 * Why not tsx, which tests and tools use: for a synth, tsx's ESM loader thread, its ESM scan of
 * every .js file loaded from node_modules, and its source-map support cost about as much as
 * cdktf and the providers themselves (docs/benchmark.md); this keeps the synth within reach of
 * the floor. Stack traces point at transpiled lines unless node runs with --enable-source-maps.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join, sep } = require('node:path');

const projectDir = join(__dirname, '..');
const cacheDir = join(projectDir, 'node_modules', '.cache', 'register-ts');
const tsconfig = readFileSync(join(projectDir, 'tsconfig.json'), 'utf8');
let esbuild;
let cacheSalt;

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  if (filename.includes(`${sep}node_modules${sep}`)) {
    throw new Error(`register-ts: not transpiling a package's TypeScript (${filename})`);
  }
  const source = readFileSync(filename, 'utf8');
  cacheSalt ??= `${require('esbuild/package.json').version}\0${tsconfig}`;
  const key = createHash('sha256').update(cacheSalt).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    esbuild ??= require('esbuild');
    code = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'inline',
      tsconfigRaw: tsconfig,
    }).code;
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename: a synth running in parallel never reads a half-written file.
    writeFileSync(`${cached}.${process.pid}.tmp`, code);
    renameSync(`${cached}.${process.pid}.tmp`, cached);
  }
  module._compile(code, filename);
};
