/**
 * Every example synthesizes, and every resource address stays what it was: Terraform replaces a
 * resource whose address changes, and a bucket holds data. Renaming a construct id fails here;
 * if a rename is intended, the change needs a `moved` block, not a snapshot update.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addresses, PROJECT_DIR, synthYaml } from './helpers';

const configs = ['storage.yaml', ...readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];

describe.each(configs)('%s', (file) => {
  const stacks = synthYaml(readFileSync(join(PROJECT_DIR, file), 'utf8'));

  test('synthesizes at least one stack with resources', () => {
    expect(Object.values(stacks).some((stack) => addresses(stack).length > 0)).toBe(true);
  });

  test('keeps every resource address of every stack', () => {
    expect(Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, addresses(stack)]))).toMatchSnapshot();
  });
});
