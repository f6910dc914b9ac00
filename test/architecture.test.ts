/**
 * The folders are the architecture: facts → config → contract → constructs → stacks → main.ts,
 * tools beside the stacks. Each layer imports only from the layers below it (constructs take
 * their values through props, never from the config), and stacks ask buckets through
 * IMediaBucket rather than test their classes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_DIR } from './helpers';

/** What each folder may import from the project (itself always). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  facts: [],
  config: ['facts'],
  contract: ['facts', 'config'],
  constructs: ['facts'],
  stacks: ['facts', 'config', 'contract', 'constructs'],
  tools: ['facts', 'config', 'contract'],
};

function sourceFiles(dir: string): string[] {
  // Dot-folders are scratch space (test/lint.test.ts writes its samples there).
  return readdirSync(dir).filter((name) => !name.startsWith('.')).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The project folders a file imports from, type-only imports included. */
function importedLayers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((specifier) => relative(PROJECT_DIR, join(file, '..', specifier)).split('/')[0]);
}

describe.each(Object.entries(ALLOWED))('%s/', (layer, allowed) => {
  const files = sourceFiles(join(PROJECT_DIR, layer));

  test('imports only from the layers below it', () => {
    const wrong = files.flatMap((file) =>
      importedLayers(file)
        .filter((imported) => imported !== layer && !allowed.includes(imported))
        .map((imported) => `${relative(PROJECT_DIR, file)} imports ${imported}/`),
    );
    expect(wrong).toEqual([]);
  });
});

test('stacks never test the class of a bucket: they ask IMediaBucket', () => {
  const offending = sourceFiles(join(PROJECT_DIR, 'stacks')).filter((file) => /instanceof\s+\w*Bucket/.test(readFileSync(file, 'utf8')));
  expect(offending.map((file) => relative(PROJECT_DIR, file))).toEqual([]);
});
