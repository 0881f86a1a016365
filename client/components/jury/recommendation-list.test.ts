import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RecommendationList } from './recommendation-list.svelte.ts';

/** Two replicas that exchange every update at once, like two jurors online together. */
function pair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, update, a));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, update, b));
  return [a, b];
}

const titles = (list: RecommendationList) => list.entries.map((e) => e.title.toString());

function addTitled(list: RecommendationList, title: string): string {
  const id = list.add();
  list.entries.find((e) => e.id === id)!.title.insert(0, title);
  return id;
}

describe('RecommendationList', () => {
  it('adds recommendations in the server’s structure, seen by the other replica in the same order', () => {
    const [a, b] = pair();
    const mine = new RecommendationList(a);
    const theirs = new RecommendationList(b);
    addTitled(mine, 'Lähikirjastot auki iltaisin');
    addTitled(mine, 'Kirjastoauto kyliin');
    expect(titles(theirs)).toEqual(['Lähikirjastot auki iltaisin', 'Kirjastoauto kyliin']);
    const [first] = theirs.entries;
    expect(first!.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(first!.text).toBeInstanceOf(Y.XmlFragment);
    expect(first!.rationale).toBeInstanceOf(Y.XmlFragment);
  });

  it('moves a recommendation with its id, title and texts, and removes one', () => {
    const [a, b] = pair();
    const mine = new RecommendationList(a);
    const theirs = new RecommendationList(b);
    const first = addTitled(mine, 'Yksi');
    addTitled(mine, 'Kaksi');
    const third = addTitled(mine, 'Kolme');
    const text = new Y.XmlText();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    mine.entries[0]!.text.insert(0, [paragraph]);
    text.insert(0, 'Auki kello 21 asti.');

    mine.move(first, 1);
    expect(titles(theirs)).toEqual(['Kaksi', 'Yksi', 'Kolme']);
    const moved = theirs.entries[1]!;
    expect(moved.id).toBe(first);
    expect(moved.text.toString()).toBe('<paragraph>Auki kello 21 asti.</paragraph>');

    theirs.move(third, -1);
    expect(titles(mine)).toEqual(['Kaksi', 'Kolme', 'Yksi']);
    mine.move(mine.entries[0]!.id, -1);
    expect(titles(mine)).toEqual(['Kaksi', 'Kolme', 'Yksi']);

    theirs.remove(third);
    expect(titles(mine)).toEqual(['Kaksi', 'Yksi']);
  });

  it('skips what the server skips: an entry without a valid id, and a repeated id after its first place', () => {
    const doc = new Y.Doc();
    const list = new RecommendationList(doc);
    const id = addTitled(list, 'Ensimmäinen');
    doc.transact(() => {
      const array = doc.getArray('recommendations');
      array.push([list.entries[0]!.map.clone(), 'not a map']);
      const broken = new Y.Map<unknown>();
      array.push([broken]);
      broken.set('id', 'has spaces');
    });
    expect(list.entries.map((e) => e.id)).toEqual([id]);
  });

  it('keeps each entry object while only its texts change, so its editors stay', () => {
    const doc = new Y.Doc();
    const list = new RecommendationList(doc);
    addTitled(list, 'Otsikko');
    const before = list.entries[0];
    list.entries[0]!.title.insert(0, 'Uusi ');
    addTitled(list, 'Toinen');
    expect(list.entries[0]).toBe(before);
  });
});
