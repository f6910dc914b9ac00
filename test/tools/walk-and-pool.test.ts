import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachConcurrently, Semaphore } from '../../tools/migrate/pool';
import { type IgnoredEntry, walkFiles } from '../../tools/migrate/walk';

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
    for await (const file of walkFiles(tree(), (entry) => ignored.push(entry))) expect(file.relative).not.toBe('link');
    expect(ignored).toEqual([{ relative: 'link', reason: 'symbolic link (not followed)' }]);
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
