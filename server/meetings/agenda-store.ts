import type { Queries } from '../../db/connection.ts';
import { HttpError } from '../errors.ts';
import { stored } from './localized.ts';
import type { AgendaItemInputValue } from './schemas.ts';

/**
 * Makes the agenda exactly `items`, in that order. Items sent with their id keep it (the room
 * and the minutes refer to agenda items by id); items left out are removed. Run in a transaction.
 */
export async function replaceAgenda(tx: Queries, meetingId: string, items: AgendaItemInputValue[], field: string): Promise<void> {
  const existing = new Set(
    (await tx<{ id: string }[]>`select id from meeting_agenda_items where meeting_id = ${meetingId}`).map((r) => r.id),
  );
  const kept = new Set<string>();
  items.forEach((item, i) => {
    if (item.id === undefined) return;
    if (!existing.has(item.id)) throw new HttpError(400, `${field}/${i}/id is not an item of this meeting's agenda`, 'invalid_input');
    if (kept.has(item.id)) throw new HttpError(400, `${field}/${i}/id appears twice`, 'invalid_input');
    kept.add(item.id);
  });
  const removed = [...existing].filter((id) => !kept.has(id));
  if (removed.length > 0) await tx`delete from meeting_agenda_items where id in ${tx(removed)}`;
  for (const [position, item] of items.entries()) {
    const title = stored(item.title);
    const presenter = item.presenter?.trim() || null;
    const duration = item.durationMinutes ?? null;
    if (item.id !== undefined) {
      await tx`update meeting_agenda_items
               set position = ${position}, title = ${tx.json(title)}, presenter = ${presenter}, duration_minutes = ${duration}
               where id = ${item.id}`;
    } else {
      await tx`insert into meeting_agenda_items (meeting_id, position, title, presenter, duration_minutes)
               values (${meetingId}, ${position}, ${tx.json(title)}, ${presenter}, ${duration})`;
    }
  }
}
