/**
 * The jury's recommendations document, `space:<spaceId>:recommendations`: its array
 * `recommendations` holds one Y.Map per recommendation (`id`, `title` Y.Text, `text` and
 * `rationale` Y.XmlFragment); the array order is the numbering.
 */
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import type { DocumentRegistry } from '../collab/registry.ts';
import { currentDocument } from '../documents/current-content.ts';
import { plainText, renderFragment, type RenderedText } from '../documents/render.ts';

export const recommendationsDocumentName = (spaceId: string) => `space:${spaceId}:recommendations`;

/** Ids the client makes: url-safe, short. */
export const RECOMMENDATION_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
const idPattern = new RegExp(RECOMMENDATION_ID_PATTERN);

export interface Recommendation {
  /** 1, 2, ... in document order. */
  number: number;
  id: string;
  title: string;
  text: RenderedText;
  rationale: RenderedText;
}

/**
 * The recommendations in order. Entries that are not maps or lack a valid id (a half-made or
 * foreign edit) are skipped; a repeated id counts once, at its first place.
 */
export function readRecommendations(doc: Y.Doc, options: { headingOffset?: number } = {}): Recommendation[] {
  const seen = new Set<string>();
  const out: Recommendation[] = [];
  for (const entry of doc.getArray<unknown>('recommendations').toArray()) {
    if (!(entry instanceof Y.Map)) continue;
    const id: unknown = entry.get('id');
    if (typeof id !== 'string' || !idPattern.test(id) || seen.has(id)) continue;
    seen.add(id);
    const text: unknown = entry.get('text');
    const rationale: unknown = entry.get('rationale');
    out.push({
      number: out.length + 1,
      id,
      title: plainText(entry.get('title')).trim(),
      text: renderFragment(text instanceof Y.XmlFragment ? text : null, options),
      rationale: renderFragment(rationale instanceof Y.XmlFragment ? rationale : null, options),
    });
  }
  return out;
}

/** The jury's recommendations as they stand now (live or stored). */
export async function currentRecommendations(
  source: { sql: Sql; registry?: DocumentRegistry | undefined },
  spaceId: string,
  options: { headingOffset?: number } = {},
): Promise<Recommendation[]> {
  const doc = await currentDocument(source, recommendationsDocumentName(spaceId), { spaceId, meetingId: null });
  try {
    return readRecommendations(doc, options);
  } finally {
    doc.destroy();
  }
}
