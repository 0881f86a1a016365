/**
 * A meeting held through the room socket, for tests of its minutes: people attend in the hall and
 * remotely, one speaks from the queue, a poll gets remote votes and a hall count, a decision is
 * recorded and questions are answered live and in writing.
 */
import * as Y from 'yjs';
import type { Sql } from '../../db/connection.ts';
import { storedDoc } from '../collab/test-helpers.ts';
import { fragmentToJson, jsonToMarkdown } from '../documents/render.ts';
import type { ServerMessage } from '../protocol/room-messages.ts';
import { RoomTestClient } from '../rooms/test-client.ts';
import { MINUTES_FRAGMENT, minutesDocumentName } from './draft.ts';

export const heldMeeting = {
  poll: 'Kunnostetaanko rantapuisto?',
  decision: 'Rantapuiston kunnostussuunnitelma hyväksyttiin.',
  liveQuestion: 'Milloin työt alkavat?',
  writtenQuestion: 'Paljonko kunnostus maksaa?',
};

async function expectAck(answer: Promise<Extract<ServerMessage, { type: 'ack' | 'error' }>>): Promise<void> {
  const result = await answer;
  if (result.type !== 'ack') throw new Error(`refused: ${JSON.stringify(result)}`);
}

/**
 * Runs the meeting's room with a chair (remote), a resident (checks in to the hall, speaks) and a
 * third person (remote, votes). Returns the clients, still connected; the caller closes them.
 */
export async function holdMeeting(baseUrl: string, meetingId: string, cookies: { chair: string; hall: string; remote: string }) {
  const join = async (cookie: string) => {
    const client = await RoomTestClient.connect(baseUrl, meetingId, { cookie });
    await client.welcome();
    return client;
  };
  const chair = await join(cookies.chair);
  const hall = await join(cookies.hall);
  const remote = await join(cookies.remote);
  const code = (await chair.welcome()).checkInCode!;
  await expectAck(hall.request({ type: 'presence.checkIn', code }));

  await expectAck(hall.request({ type: 'queue.raise', pointOfOrder: false }));
  await expectAck(chair.request({ type: 'floor.next', preferNotYetSpoken: true }));
  // A turn of at least a second, so its speaking time is not zero.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await expectAck(chair.request({ type: 'floor.take' }));

  await expectAck(chair.request({ type: 'poll.open', question: heldMeeting.poll, options: ['Kyllä', 'Ei'], multiple: false, resultsWhile: 'open' }));
  const opened = (await remote.waitFor((m) => m.type === 'event' && m.event.type === 'poll.opened')) as { event: { pollId: string; options: { id: string }[] } };
  const { pollId } = opened.event;
  const [yes, no] = opened.event.options.map((o) => o.id) as [string, string];
  await expectAck(remote.request({ type: 'poll.vote', pollId, optionIds: [yes] }));
  await expectAck(chair.request({ type: 'poll.hallCount', pollId, counts: { [yes]: 7, [no]: 3 } }));
  await expectAck(chair.request({ type: 'poll.close', pollId }));

  await expectAck(chair.request({ type: 'decision.record', itemIndex: 0, text: heldMeeting.decision }));

  const asked = async (client: RoomTestClient, text: string) => {
    await expectAck(client.request({ type: 'question.ask', text, anonymous: false }));
    const event = (await chair.waitFor((m) => m.type === 'event' && m.event.type === 'question.asked' && m.event.text === text)) as { event: { questionId: string } };
    return event.event.questionId;
  };
  await expectAck(chair.request({ type: 'question.answer', questionId: await asked(hall, heldMeeting.liveQuestion), how: 'live' }));
  await expectAck(chair.request({ type: 'question.answer', questionId: await asked(remote, heldMeeting.writtenQuestion), how: 'written' }));
  return { chair, hall, remote, close: () => Promise.all([chair.close(), hall.close(), remote.close()]) };
}

/** The minutes draft in a Y.Doc as Markdown, without its backslash escapes (easier to read and match). */
export const draftText = (doc: Y.Doc) => jsonToMarkdown(fragmentToJson(doc.getXmlFragment(MINUTES_FRAGMENT))).replace(/\\(.)/g, '$1');

/** `draftText` of the draft as stored. */
export async function storedDraftText(sql: Sql, meetingId: string): Promise<string> {
  const doc = await storedDoc(sql, minutesDocumentName(meetingId));
  try {
    return draftText(doc);
  } finally {
    doc.destroy();
  }
}

/** Appends a paragraph to the minutes, as an editor would. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment(MINUTES_FRAGMENT);
    const paragraph = new Y.XmlElement('paragraph');
    fragment.insert(fragment.length, [paragraph]);
    const run = new Y.XmlText();
    paragraph.insert(0, [run]);
    run.insert(0, text);
  });
}

/** Removes the top-level blocks whose text contains `needle`, as a secretary deleting them would. */
export function deleteBlocks(doc: Y.Doc, needle: string): number {
  const fragment = doc.getXmlFragment(MINUTES_FRAGMENT);
  let removed = 0;
  doc.transact(() => {
    for (let i = fragment.length - 1; i >= 0; i--) {
      const block = fragment.get(i);
      if (block instanceof Y.XmlElement && block.toString().includes(needle)) {
        fragment.delete(i, 1);
        removed += 1;
      }
    }
  });
  return removed;
}
