/**
 * Colours that tell co-editors apart. Each is dark enough for white caret-label text (contrast
 * at least 4.5:1) and distinct from its neighbours; the CSS classes `collab-colour-<n>` paint them.
 */
export const caretColours = ['#1d4ed8', '#b91c1c', '#047857', '#7e22ce', '#b45309', '#0e7490', '#be185d', '#4d7c0f'] as const;

export interface CaretColour {
  /** The colour as `#rrggbb` (for other Yjs tools reading the awareness state). */
  color: string;
  colourIndex: number;
}

/** The same person has the same colour everywhere. */
export function colourFor(userId: string): CaretColour {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const colourIndex = hash % caretColours.length;
  return { color: caretColours[colourIndex]!, colourIndex };
}

/** A peer's colour from its awareness state, whatever client sent it. */
export function colourIndexOf(user: Record<string, unknown>): number {
  const index = user['colourIndex'];
  if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < caretColours.length) return index;
  const byHex = caretColours.indexOf(user['color'] as (typeof caretColours)[number]);
  return byHex >= 0 ? byHex : 0;
}
