/** Text being typed in the room (chat, a question), kept per meeting so a page refresh does not lose it. */

export type DraftKind = 'chat' | 'question';

const key = (meetingId: string, kind: DraftKind) => `aukio.room.${meetingId}.${kind}`;

export function loadDraft(meetingId: string, kind: DraftKind): string {
  try {
    return globalThis.localStorage?.getItem(key(meetingId, kind)) ?? '';
  } catch {
    return '';
  }
}

/** Saves the draft, or forgets it when it is empty. */
export function saveDraft(meetingId: string, kind: DraftKind, text: string): void {
  try {
    if (text.trim()) globalThis.localStorage?.setItem(key(meetingId, kind), text);
    else globalThis.localStorage?.removeItem(key(meetingId, kind));
  } catch {
    // Storage may be full or unavailable (private mode): the draft then lasts for this page only.
  }
}
