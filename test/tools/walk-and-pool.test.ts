import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachConcurrently, Semaphore } from '../../tools/migrate/pool';
import { type IgnoredEntry, printableName, walkFiles, type WalkProblem } from '../../tools/migrate/walk';

describe('walkFiles', () => {
  function tree(): string {
    const root = mkdtempSync(join(tmpdir(), 'walk-'));
    for (const file of ['a-b.txt', 'a/z.txt', 'a0.txt', 'photos 2024/café.jpg', 'b/c/d.txt']) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), file);
    }
    symlinkSync('/etc/hostname', join(root, 'link'));
    return root;
  }

  it('yields files in the byte order S3 lists keys in', async () => {
    const relatives: string[] = [];
    for await (const file of walkFiles(tree())) relatives.push(file.relative);
    expect(relatives).toEqual(['a-b.txt', 'a/z.txt', 'a0.txt', 'b/c/d.txt', 'photos 2024/café.jpg']);
  });

  it('reports symbolic links instead of following them', async () => {
    const ignored: IgnoredEntry[] = [];
    for await (const file of walkFiles(tree(), { onIgnored: (entry) => ignored.push(entry) })) expect(file.relative).not.toBe('link');
    expect(ignored).toEqual([{ relative: 'link', reason: 'symbolic link (not followed)' }]);
  });

  it('reports a name that is not valid UTF-8 and walks on', async () => {
    // GIVEN a Latin-1 file name (0xE9 for é), which Linux stores as the bytes it was given
    const root = tree();
    writeFileSync(Buffer.from(join(root, 'b', 'caf\xe9.jpg'), 'latin1'), 'x');
    const problems: WalkProblem[] = [];
    const relatives: string[] = [];
    // WHEN the tree is walked
    for await (const file of walkFiles(root, { onProblem: (problem) => problems.push(problem) })) relatives.push(file.relative);
    // THEN that one name is reported, printably, and every other file is still yielded
    expect(problems).toEqual([{ relative: 'b/caf\\xe9.jpg', reason: expect.stringMatching(/not valid UTF-8/) }]);
    expect(relatives).toEqual(['a-b.txt', 'a/z.txt', 'a0.txt', 'b/c/d.txt', 'photos 2024/café.jpg']);
  });

  it('reports a directory that cannot be read and walks on', async () => {
    // GIVEN a directory that disappears between its parent's listing and its own (as root, a
    // chmod 000 directory stays readable; the integration tier runs the CLI unprivileged for EACCES)
    const root = tree();
    writeFileSync(join(root, 'b', 'a.txt'), 'a');
    const problems: WalkProblem[] = [];
    const relatives: string[] = [];
    // WHEN b/c is removed after b was listed, before b/c is read
    for await (const file of walkFiles(root, { onProblem: (problem) => problems.push(problem) })) {
      relatives.push(file.relative);
      if (file.relative === 'b/a.txt') rmSync(join(root, 'b', 'c'), { recursive: true });
    }
    // THEN b/c is reported by name and the walk goes on past it
    expect(problems).toEqual([{ relative: 'b/c/', reason: expect.stringMatching(/^directory cannot be read \(ENOENT/) }]);
    expect(relatives).toEqual(['a-b.txt', 'a/z.txt', 'a0.txt', 'b/a.txt', 'photos 2024/café.jpg']);
  });

  it('prints the bytes of a name that are not UTF-8 as \\xNN and keeps the rest', () => {
    expect(printableName(Buffer.concat([Buffer.from('photo-'), Buffer.from([0xff, 0xfe]), Buffer.from('é.jpg')]))).toBe('photo-\\xff\\xfeé.jpg');
  });

  it('gives each file its size', async () => {
    const sizes: number[] = [];
    for await (const file of walkFiles(tree())) if (file.relative === 'a0.txt') sizes.push(file.size);
    expect(sizes).toEqual([6]);
  });
});

describe('forEachConcurrently', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it('never runs more than the given number of items at once', async () => {
    let running = 0;
    let peak = 0;
    await forEachConcurrently(Array.from({ length: 50 }, (_, i) => i), 4, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    });
    expect(peak).toBe(4);
  });

  it('pulls an item only when a worker is free', async () => {
    let pulled = 0;
    async function* items() {
      for (let i = 0; i < 100; i += 1) {
        pulled += 1;
        yield i;
      }
    }
    let done = 0;
    await forEachConcurrently(items(), 3, async () => {
      await tick();
      done += 1;
    }, () => done >= 6);
    expect(pulled).toBeLessThanOrEqual(6 + 3);
  });

  it('hands every item to exactly one worker', async () => {
    const seen: number[] = [];
    async function* items() {
      for (let i = 0; i < 20; i += 1) yield i;
    }
    await forEachConcurrently(items(), 5, async (i) => {
      await tick();
      seen.push(i);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('rejects with the error of a failed item after the others have finished', async () => {
    let finished = 0;
    const run = forEachConcurrently([1, 2, 3], 3, async (i) => {
      await tick();
      if (i === 2) throw new Error('boom');
      finished += 1;
    });
    await expect(run).rejects.toThrow('boom');
    expect(finished).toBe(2);
  });
});

describe('Semaphore', () => {
  it('lets at most its size of tasks run at once', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        semaphore.use(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});
