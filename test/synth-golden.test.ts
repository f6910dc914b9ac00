/**
 * Every example's synthesized Terraform, byte for byte, against a committed copy
 * (test/fixtures/synth/<config>/<stack>.tf.json). A refactor must leave these files unchanged; a
 * change of behaviour shows up here as a reviewable diff of the Terraform a user would apply.
 *
 * Regenerate after an intended change: `UPDATE_GOLDEN=1 npx jest test/synth-golden.test.ts`,
 * then read the diff before committing it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR, synthYaml } from './helpers';

const FIXTURES = join(PROJECT_DIR, 'test', 'fixtures', 'synth');
const configs = ['storage.yaml', ...readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];

/**
 * Paths into the project (the local backend's state file, the state credentials file) are
 * relative to the stack directory, which the test puts in a temp directory: those values depend
 * on the machine, so they are compared as placeholders (their own rule is tested in
 * test/stacks/state-backend.test.ts).
 */
function normalize(text: string): string {
  return text
    .replace(/("path": )"[^"]*\.tfstate"/g, '$1"<state>/<stack>.tfstate"')
    .replace(/"[^"]*\/(secrets\/[^"/]+\.credentials)"/g, '"<project>/$1"');
}

const fixtureDir = (file: string) => join(FIXTURES, file.replace(/^examples\//, '').replace(/\.yaml$/, ''));

describe.each(configs)('%s', (file) => {
  const stacks = Object.entries(synthYaml(readFileSync(join(PROJECT_DIR, file), 'utf8')));

  if (process.env.UPDATE_GOLDEN === '1') {
    rmSync(fixtureDir(file), { recursive: true, force: true });
    mkdirSync(fixtureDir(file), { recursive: true });
    for (const [name, text] of stacks) writeFileSync(join(fixtureDir(file), `${name}.tf.json`), normalize(text));
  }

  test('synthesizes exactly the stacks it synthesized before', () => {
    const committed = existsSync(fixtureDir(file)) ? readdirSync(fixtureDir(file)).map((f) => f.replace(/\.tf\.json$/, '')).sort() : [];
    expect(stacks.map(([name]) => name).sort()).toEqual(committed);
  });

  test.each(stacks.map(([name, text]) => [name, text] as const))('%s is byte-identical to its committed Terraform', (name, text) => {
    expect(normalize(text)).toBe(readFileSync(join(fixtureDir(file), `${name}.tf.json`), 'utf8'));
  });
});
