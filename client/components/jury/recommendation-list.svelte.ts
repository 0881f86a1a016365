/**
 * The recommendations in a jury's shared document (`recommendations`: a Y.Array of Y.Maps with
 * `id`, `title` Y.Text, `text` and `rationale` Y.XmlFragment — the server's structure, see
 * server/jury/recommendations.ts). The array order is the numbering; entries the server would
 * skip (no valid id, a repeated id) are skipped here too, so both number them alike.
 */
import * as Y from 'yjs';

export interface RecommendationEntry {
  id: string;
  /** The map itself: a moved recommendation is a new map (Yjs cannot move), so a new editor. */
  map: Y.Map<unknown>;
  title: Y.Text;
  text: Y.XmlFragment;
  rationale: Y.XmlFragment;
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

function entryOf(value: unknown): RecommendationEntry | null {
  if (!(value instanceof Y.Map)) return null;
  const map = value as Y.Map<unknown>;
  const id = map.get('id');
  const title = map.get('title');
  const text = map.get('text');
  const rationale = map.get('rationale');
  if (typeof id !== 'string' || !idPattern.test(id)) return null;
  if (!(title instanceof Y.Text) || !(text instanceof Y.XmlFragment) || !(rationale instanceof Y.XmlFragment)) return null;
  return { id, map, title, text, rationale };
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}

export class RecommendationList {
  readonly array: Y.Array<unknown>;
  entries = $state.raw<RecommendationEntry[]>([]);
  readonly #doc: Y.Doc;
  /** Only changes to the list or to a recommendation's own fields, not typing in its texts. */
  readonly #refresh = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
    if (events.some((e) => e.target === this.array || e.target.parent === this.array)) this.entries = this.#read();
  };

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    this.array = doc.getArray('recommendations');
    // A map completed later (its fields set by another transaction) becomes valid then.
    this.array.observeDeep(this.#refresh);
    this.entries = this.#read();
  }

  #read(): RecommendationEntry[] {
    // A throwaway set while reading, never observed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const seen = new Set<string>();
    const out: RecommendationEntry[] = [];
    for (const value of this.array.toArray()) {
      const entry = entryOf(value);
      if (!entry || seen.has(entry.id)) continue;
      // Same map, same entry object: each keyed block keeps its editors.
      seen.add(entry.id);
      out.push(this.entries.find((e) => e.map === entry.map) ?? entry);
    }
    return out;
  }

  /** Appends an empty recommendation; returns its id. */
  add(): string {
    const map = new Y.Map<unknown>();
    const id = newId();
    this.#doc.transact(() => {
      map.set('id', id);
      map.set('title', new Y.Text());
      map.set('text', new Y.XmlFragment());
      map.set('rationale', new Y.XmlFragment());
      this.array.push([map]);
    });
    return id;
  }

  remove(id: string): void {
    const at = this.#indexOf(id);
    if (at >= 0) this.array.delete(at, 1);
  }

  /**
   * Swaps the recommendation with its neighbour (`by` -1: up, +1: down). A Yjs array cannot move
   * an item, so it is copied to its new place and deleted from the old, in one transaction.
   */
  move(id: string, by: -1 | 1): void {
    const position = this.entries.findIndex((e) => e.id === id);
    const neighbour = this.entries[position + by];
    const entry = this.entries[position];
    if (!entry || !neighbour) return;
    this.#doc.transact(() => {
      const from = this.#indexOf(id);
      const copy = entry.map.clone();
      if (by < 0) {
        this.array.delete(from, 1);
        this.array.insert(this.#indexOf(neighbour.id), [copy]);
      } else {
        this.array.insert(this.#indexOf(neighbour.id) + 1, [copy]);
        this.array.delete(from, 1);
      }
    });
  }

  #indexOf(id: string): number {
    return this.array.toArray().findIndex((value) => value instanceof Y.Map && value.get('id') === id);
  }

  destroy(): void {
    this.array.unobserveDeep(this.#refresh);
  }
}
