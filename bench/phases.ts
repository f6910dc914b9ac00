/**
 * In-process phases of one synth, timed with performance.now(): module loading (cdktf, the
 * provider modules, yaml, zod, the project's own modules with their zod schemas), YAML parse,
 * schema validation, resolution, construction and app.synth(). Run precompiled (bench/run.ts
 * bundles it with esbuild) so that no TypeScript loader distorts the module-loading figures:
 *
 *   node <bundle> <config.yaml> <outdir> <provider modules, comma-separated>
 *
 * Prints one JSON object: { phases: [[label, wall ms, CPU ms], …], bootMs, totalMs }. bootMs is
 * the time from process start to the first line of this script; CPU is the whole process's
 * user+sys time (all threads) during the phase.
 */
const bootMs = performance.now();
let last = bootMs;
let lastCpu = process.cpuUsage();
const phases: Array<[string, number, number]> = [];
function mark(label: string): void {
  const now = performance.now();
  const cpu = process.cpuUsage(lastCpu);
  phases.push([label, now - last, (cpu.user + cpu.system) / 1000]);
  last = now;
  lastCpu = process.cpuUsage();
}

const cdktf = require('cdktf') as typeof import('cdktf');
mark('load cdktf (+ constructs)');
const [file, outdir, modules] = process.argv.slice(2);
for (const module of modules.split(',')) require(module);
mark('load provider modules (deep)');
const yaml = require('yaml') as typeof import('yaml');
mark('load yaml');
require('zod');
mark('load zod');
const { ConfigSchema } = require('../config/schema') as typeof import('../config/schema');
mark('evaluate config/schema.ts (build the zod schemas)');
const { parseConfig } = require('../config/load') as typeof import('../config/load');
const { resolveConfig } = require('../config/resolve') as typeof import('../config/resolve');
mark('evaluate the rest of config/');
const { buildStorageApp } = require('../stacks/storage-app') as typeof import('../stacks/storage-app');
mark('evaluate stacks/ + constructs/');

const { readFileSync } = require('node:fs') as typeof import('node:fs');
const text = readFileSync(file, 'utf8');
const js: unknown = yaml.parseDocument(text, { uniqueKeys: false, prettyErrors: false }).toJS();
mark('YAML parse (parseDocument + toJS)');
const parsed = ConfigSchema.safeParse(js, { reportInput: true });
if (!parsed.success) throw new Error(`schema: ${parsed.error.message}`);
mark('zod safeParse, first call');
ConfigSchema.safeParse(js, { reportInput: true });
mark('zod safeParse, second call (warm)');
resolveConfig(parsed.data);
mark('resolveConfig');
const { config } = parseConfig(text, file);
mark('parseConfig as the synth calls it (all of the above again, warm)');

const app = new cdktf.App({ outdir });
buildStorageApp(app, config, process.cwd());
mark('construct the stacks');
app.synth();
mark('app.synth() (resolve, validate, write JSON)');

const totalMs = performance.now();
process.stdout.write(`${JSON.stringify({ bootMs, phases, totalMs })}\n`);
