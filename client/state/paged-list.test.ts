import { describe, expect, it } from 'vitest';
import { PagedList } from './paged-list.svelte.ts';

describe('PagedList', () => {
  it('loads pages with the cursor and appends them', async () => {
    const seen: (string | null)[] = [];
    const list = new PagedList<number>(async (cursor) => {
      seen.push(cursor);
      return cursor === null ? { items: [1, 2], nextCursor: 'c2' } : { items: [3], nextCursor: null };
    });
    await list.reload();
    expect(list.items).toEqual([1, 2]);
    expect(list.hasMore).toBe(true);
    await list.loadMore();
    expect(list.items).toEqual([1, 2, 3]);
    expect(list.hasMore).toBe(false);
    await list.loadMore();
    expect(seen).toEqual([null, 'c2']);
  });

  it('keeps the error and lets a reload start over', async () => {
    let fail = true;
    const list = new PagedList<number>(async () => {
      if (fail) throw new Error('boom');
      return { items: [1], nextCursor: null };
    });
    await list.reload();
    expect(list.error).toBeInstanceOf(Error);
    fail = false;
    await list.reload();
    expect(list.error).toBeNull();
    expect(list.items).toEqual([1]);
  });

  it('ignores a page that arrives after a reload', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let call = 0;
    const list = new PagedList<string>(async () => {
      call += 1;
      if (call === 1) {
        await gate;
        return { items: ['stale'], nextCursor: null };
      }
      return { items: ['fresh'], nextCursor: null };
    });
    const first = list.reload();
    await list.reload();
    release();
    await first;
    expect(list.items).toEqual(['fresh']);
  });
});

describe('PagedList with a key', () => {
  it('does not repeat an item added locally when its page arrives', async () => {
    const list = new PagedList<{ id: string }>(
      async (cursor) => (cursor === null ? { items: [{ id: 'a' }], nextCursor: 'a' } : { items: [{ id: 'b' }, { id: 'c' }], nextCursor: null }),
      (item) => item.id,
    );
    await list.reload();
    list.append({ id: 'c' });
    await list.loadMore();
    expect(list.items.map((i) => i.id)).toEqual(['a', 'c', 'b']);
  });
});
