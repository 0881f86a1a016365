/**
 * The sections the server writes into a minutes draft, in Finnish (the town's minutes are in
 * Finnish; a meeting stores no language of its own): the meeting's details and agenda when it
 * starts, and its record (attendance, speakers, polls, decisions, questions) when it ends. Built
 * as plain blocks first, then as the rich-text XML the editor uses (Tiptap node names).
 */
import * as Y from 'yjs';
import { publishedTitle } from '../documents/published-title.ts';
import type { MeetingRecord } from './schemas.ts';

export interface Run {
  text: string;
  bold?: boolean;
}

export type Block =
  | { type: 'heading'; level: 2 | 3; text: string }
  | { type: 'paragraph'; runs: Run[] }
  | { type: 'bulletList' | 'orderedList'; items: Run[][] };

const ZONE = 'Europe/Helsinki';
const dateFormat = new Intl.DateTimeFormat('fi-FI', { timeZone: ZONE, weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('fi-FI', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });

export const finnishDate = (iso: string) => dateFormat.format(new Date(iso));
export const finnishTime = (iso: string) => timeFormat.format(new Date(iso));

/** "45 s", "2 min 5 s", "1 h 3 min". */
export function finnishDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

const heading = (level: 2 | 3, text: string): Block => ({ type: 'heading', level, text });
const paragraph = (text: string): Block => ({ type: 'paragraph', runs: [{ text }] });
const bullets = (items: Run[][]): Block => ({ type: 'bulletList', items });
/** "**Label:** value" */
const fact = (label: string, value: string): Run[] => [{ text: `${label}:`, bold: true }, { text: ` ${value}` }];
const plain = (text: string): Run[] => [{ text }];

const itemTitle = (record: MeetingRecord, index: number) => {
  const item = record.agenda[index];
  return item ? `${index + 1}. ${publishedTitle(item.title.fi)}` : `Kohta ${index + 1}`;
};

const places: Record<MeetingRecord['meeting']['place'], (address: string | null) => string> = {
  hall: (address) => address ?? 'paikan päällä',
  hybrid: (address) => `${address ?? 'paikan päällä'} sekä etäyhteydellä`,
  online: () => 'etäyhteydellä',
};

/** Written when the meeting starts: what, when, where, and the agenda. */
export function detailsSections(record: MeetingRecord, spaceName: string): Block[] {
  const m = record.meeting;
  // Titles as the published minutes show them: a direction mark in one would reorder the presenter's name after it.
  const agenda = record.agenda.map((item): Run[] => {
    const title = publishedTitle(item.title.fi);
    return plain(item.presenter ? `${title} (esittelijä: ${item.presenter})` : title);
  });
  return [
    heading(2, 'Kokouksen tiedot'),
    bullets([
      fact('Kokous', publishedTitle(m.title.fi)),
      fact('Järjestäjä', spaceName),
      fact('Aika', `${finnishDate(m.startsAt)} klo ${finnishTime(m.startsAt)}–${finnishTime(m.endsAt)}`),
      fact('Paikka', places[m.place](m.address)),
    ]),
    heading(2, 'Esityslista'),
    agenda.length > 0 ? { type: 'orderedList', items: agenda } : paragraph('Esityslistaa ei laadittu.'),
  ];
}

/** Written when the meeting ends: its record, as the room kept it. */
export function recordSections(record: MeetingRecord): Block[] {
  return [...attendance(record), ...speakers(record), ...polls(record), ...decisions(record), ...questions(record)];
}

function attendance(record: MeetingRecord): Block[] {
  const line = (a: MeetingRecord['attendance'][number]): Run[] => {
    const until = a.lastDeparture ? finnishTime(a.lastDeparture) : '';
    return plain(`${a.name}, klo ${finnishTime(a.firstArrival)}–${until} (${finnishDuration(a.secondsPresent)})`);
  };
  // Anyone who checked in to the hall at some point was there in person.
  const inHall = record.attendance.filter((a) => a.intervals.some((i) => i.mode === 'hall'));
  const remote = record.attendance.filter((a) => !inHall.includes(a));
  const group = (title: string, people: typeof inHall): Block[] => [
    heading(3, `${title} (${people.length})`),
    people.length > 0 ? bullets(people.map(line)) : paragraph('Ei ketään.'),
  ];
  return [heading(2, 'Läsnä'), ...group('Paikan päällä', inHall), ...group('Etäyhteydellä', remote)];
}

function speakers(record: MeetingRecord): Block[] {
  const { turns, totals } = record.speakers;
  if (turns.length === 0) return [heading(2, 'Puheenvuorot'), paragraph('Puheenvuoroja ei pidetty.')];
  const items = [...new Set(turns.map((t) => t.itemIndex))].sort((a, b) => a - b);
  return [
    heading(2, 'Puheenvuorot'),
    ...items.flatMap((index) => [
      heading(3, itemTitle(record, index)),
      bullets(turns.filter((t) => t.itemIndex === index).map((t) => plain(`${t.name}, klo ${finnishTime(t.from)}, ${finnishDuration(t.seconds)}`))),
    ]),
    heading(3, 'Puheaika yhteensä'),
    bullets(totals.map((t) => fact(t.name, `${t.turns} ${t.turns === 1 ? 'puheenvuoro' : 'puheenvuoroa'}, ${finnishDuration(t.seconds)}`))),
  ];
}

function polls(record: MeetingRecord): Block[] {
  if (record.polls.length === 0) return [heading(2, 'Äänestykset'), paragraph('Äänestyksiä ei järjestetty.')];
  return [
    heading(2, 'Äänestykset'),
    ...record.polls.flatMap((poll) => {
      const counted = poll.options.some((o) => o.hall !== null);
      const notes = [`Etänä äänesti ${poll.voters} ${poll.voters === 1 ? 'henkilö' : 'henkilöä'}.`];
      if (!counted) notes.push('Salissa annettuja ääniä ei kirjattu.');
      if (poll.status === 'open') notes.push('Äänestys oli vielä auki kokouksen päättyessä.');
      return [
        heading(3, poll.question),
        bullets(poll.options.map((o) => fact(o.label, counted ? `${o.total} (salissa ${o.hall ?? 0}, etänä ${o.remote})` : `${o.total} (etänä ${o.remote})`))),
        paragraph(notes.join(' ')),
      ];
    }),
  ];
}

function decisions(record: MeetingRecord): Block[] {
  const withDecisions = record.agenda.filter((item) => item.decisions.length > 0);
  if (withDecisions.length === 0 && record.unplacedDecisions.length === 0) return [heading(2, 'Päätökset'), paragraph('Päätöksiä ei kirjattu.')];
  const unplaced = record.unplacedDecisions.map((d) => plain(`${itemTitle(record, d.itemIndex)}: ${d.text}`));
  return [
    heading(2, 'Päätökset'),
    ...withDecisions.flatMap((item) => [heading(3, itemTitle(record, item.index)), bullets(item.decisions.map(plain))]),
    ...(unplaced.length > 0 ? [heading(3, 'Muut päätökset'), bullets(unplaced)] : []),
  ];
}

function questions(record: MeetingRecord): Block[] {
  const line = (q: MeetingRecord['questions']['answeredLive'][number]): Run[] =>
    plain(`”${q.text}” – ${q.author ? q.author.name : 'nimetön'} (${q.votes} ${q.votes === 1 ? 'kannatus' : 'kannatusta'})`);
  const group = (title: string, list: MeetingRecord['questions']['answeredLive'], none: string): Block[] => [
    heading(3, title),
    list.length > 0 ? bullets(list.map(line)) : paragraph(none),
  ];
  return [
    heading(2, 'Kysymykset'),
    ...group('Vastattu kokouksessa', record.questions.answeredLive, 'Ei kysymyksiä.'),
    ...group('Vastataan kirjallisesti', record.questions.toAnswerInWriting, 'Ei kysymyksiä.'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Blocks → the editor's XML (y-prosemirror: elements named after the Tiptap nodes, marks as text attributes)

function appendText(parent: Y.XmlElement, runs: Run[]): void {
  const text = new Y.XmlText();
  parent.insert(0, [text]);
  text.applyDelta(runs.map((run) => (run.bold ? { insert: run.text, attributes: { bold: {} } } : { insert: run.text })));
}

function element(parent: Y.XmlFragment | Y.XmlElement, index: number, name: string): Y.XmlElement {
  const el = new Y.XmlElement(name);
  parent.insert(index, [el]);
  return el;
}

/** Inserts the blocks at `index` of the fragment, which must be part of a Y.Doc. */
export function insertBlocks(fragment: Y.XmlFragment, index: number, blocks: Block[]): void {
  blocks.forEach((block, offset) => {
    const at = index + offset;
    switch (block.type) {
      case 'heading': {
        const el = element(fragment, at, 'heading');
        // A number, as the editor keeps it.
        (el as unknown as Y.XmlElement<{ level: number }>).setAttribute('level', block.level);
        appendText(el, [{ text: block.text }]);
        break;
      }
      case 'paragraph':
        appendText(element(fragment, at, 'paragraph'), block.runs);
        break;
      case 'bulletList':
      case 'orderedList': {
        const list = element(fragment, at, block.type);
        block.items.forEach((runs, i) => appendText(element(element(list, i, 'listItem'), 0, 'paragraph'), runs));
        break;
      }
    }
  });
}
