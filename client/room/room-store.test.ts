import { beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, RoomSelf, RoomSnapshot, ServerMessage } from './protocol.ts';
import { RoomStore } from './room-store.svelte.ts';

const ids = {
  chair: '00000000-0000-4000-8000-000000000001',
  aino: '00000000-0000-4000-8000-000000000002',
  saana: '00000000-0000-4000-8000-000000000003',
  mira: '00000000-0000-4000-8000-000000000004',
};

const resident: RoomSelf = { userId: ids.aino, name: 'Aino Asukas', roles: [], canParticipate: true, canModerate: false, canChair: false, canCountHall: false, canCaption: false };
const chair: RoomSelf = { userId: ids.chair, name: 'Paavo Puhemies', roles: ['chair'], canParticipate: true, canModerate: true, canChair: true, canCountHall: true, canCaption: true };

const T0 = Date.parse('2025-10-14T15:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function snapshot(overrides: Partial<RoomSnapshot> = {}): RoomSnapshot {
  return {
    meetingId: 'm1',
    seq: 10,
    mode: 'meeting',
    settings: { slowModeSeconds: 0, wordFilter: null, premoderation: false },
    participants: [
      { userId: ids.chair, name: 'Paavo Puhemies', roles: ['chair'], mode: 'hall', present: true, connections: 1, mutedUntil: null, muteReason: null },
      { userId: ids.saana, name: 'Saana Kirjuri', roles: ['secretary'], mode: 'remote', present: true, connections: 2, mutedUntil: null, muteReason: null },
    ],
    viewers: 2,
    chat: [],
    questions: [],
    queue: [],
    floor: null,
    speakingSeconds: {},
    polls: [],
    agenda: [
      { index: 0, title: { fi: 'Avaus', sv: 'Öppning', en: 'Opening' }, presenter: null, decisions: [] },
      { index: 1, title: { fi: 'Tilavaraukset', sv: 'Lokalbokningar', en: 'Venue bookings' }, presenter: null, decisions: [] },
    ],
    currentItem: 0,
    recording: null,
    captions: [],
    ...overrides,
  };
}

const welcome = (you: RoomSelf, state: RoomSnapshot | null = snapshot(), now = at(0)): ServerMessage => ({ type: 'welcome', you, state, checkInCode: you.canChair ? 'abcd1234' : null, now });
let seq = 10;
const event = (event: EventPayload, seconds = 0): ServerMessage => ({ type: 'event', seq: ++seq, at: at(seconds), event });

function play(you: RoomSelf, messages: ServerMessage[], state?: RoomSnapshot): RoomStore {
  const store = new RoomStore();
  store.receive(welcome(you, state ?? snapshot()), T0);
  for (const m of messages) store.receive(m, T0);
  return store;
}

describe('RoomStore', () => {
  beforeEach(() => {
    seq = 10;
  });

  it('keeps the queue in the order hands went up, points of order first, and moves it as the floor is given', () => {
    const store = new RoomStore();
    store.receive(welcome(resident), T0);
    const sequence = [
      event({ type: 'presence.joined', userId: ids.aino, name: 'Aino Asukas', roles: [], mode: 'remote' }),
      event({ type: 'queue.raised', userId: ids.aino, name: 'Aino Asukas', pointOfOrder: false }, 1),
      event({ type: 'queue.raised', userId: ids.saana, name: 'Saana Kirjuri', pointOfOrder: false }, 2),
      event({ type: 'queue.raised', userId: ids.mira, name: 'Mira Valvoja', pointOfOrder: true }, 3),
    ];
    for (const m of sequence) store.receive(m, T0);
    expect(store.room!.queue.map((q) => q.userId)).toEqual([ids.mira, ids.aino, ids.saana]);
    expect(store.room!.participants.map((p) => p.userId)).toContain(ids.aino);

    store.receive(event({ type: 'floor.given', userId: ids.mira, name: 'Mira Valvoja' }, 10), T0);
    store.receive(event({ type: 'floor.given', userId: ids.aino, name: 'Aino Asukas' }, 40), T0);
    expect(store.room!.floor).toEqual({ userId: ids.aino, name: 'Aino Asukas', since: at(40) });
    expect(store.room!.queue.map((q) => q.userId)).toEqual([ids.saana]);
    expect(store.room!.speakingSeconds[ids.mira]).toBe(30);
    store.receive(event({ type: 'floor.ended', userId: ids.aino, seconds: 65 }, 105), T0);
    expect(store.room!.floor).toBeNull();
    expect(store.room!.speakingSeconds[ids.aino]).toBe(65);
    // Lowering a hand takes a person out of the queue.
    store.receive(event({ type: 'queue.lowered', userId: ids.saana, reason: null }), T0);
    expect(store.room!.queue).toEqual([]);
    expect(store.lastSeq).toBe(seq);
  });

  it('keeps a raised hand in the queue while its owner is away, and shows them away until they are back', () => {
    const store = play(resident, [
      event({ type: 'presence.joined', userId: ids.aino, name: 'Aino Asukas', roles: [], mode: 'remote' }),
      event({ type: 'queue.raised', userId: ids.aino, name: 'Aino Asukas', pointOfOrder: false }, 1),
      event({ type: 'queue.raised', userId: ids.saana, name: 'Saana Kirjuri', pointOfOrder: false }, 2),
      event({ type: 'presence.left', userId: ids.aino }, 3),
    ]);
    const aino = () => store.room!.participants.find((p) => p.userId === ids.aino)!;
    expect(store.room!.queue.map((q) => q.userId)).toEqual([ids.aino, ids.saana]);
    expect(aino()).toMatchObject({ present: false, connections: 0 });
    store.receive(event({ type: 'presence.joined', userId: ids.aino, name: 'Aino Asukas', roles: [], mode: 'remote' }, 4), T0);
    expect(aino()).toMatchObject({ present: true, connections: 1 });
    expect(store.room!.queue.map((q) => q.userId)).toEqual([ids.aino, ids.saana]);
  });

  it('ignores an event it has already applied, as after a resume that overlaps', () => {
    const store = play(resident, [event({ type: 'chat.posted', messageId: 'c1', userId: ids.saana, name: 'Saana Kirjuri', text: 'Hei', held: false })]);
    store.receive({ type: 'event', seq, at: at(0), event: { type: 'chat.posted', messageId: 'c1', userId: ids.saana, name: 'Saana Kirjuri', text: 'Hei', held: false } }, T0);
    expect(store.room!.chat).toHaveLength(1);
    // A resume: welcome without state, then the missed events.
    store.receive({ type: 'welcome', you: resident, state: null, checkInCode: null, now: at(0) }, T0);
    store.receive(event({ type: 'chat.posted', messageId: 'c2', userId: ids.chair, name: 'Paavo Puhemies', text: 'Tervetuloa', held: false }), T0);
    expect(store.room!.chat.map((m) => m.messageId)).toEqual(['c1', 'c2']);
  });

  it('shows a hidden chat message as its reason only, in place, without its author; moderators keep both, its author their name', () => {
    const messages = [
      event({ type: 'chat.posted', messageId: 'c1', userId: ids.saana, name: 'Saana Kirjuri', text: 'Asiaton', held: false }),
      event({ type: 'chat.posted', messageId: 'c2', userId: ids.chair, name: 'Paavo Puhemies', text: 'Asiallinen', held: false }),
      event({ type: 'chat.hidden', messageId: 'c1', reason: 'Kiroilua' }),
    ];
    const asResident = play(resident, messages);
    expect(asResident.room!.chat[0]).toMatchObject({ messageId: 'c1', userId: null, name: null, text: null, hidden: { reason: 'Kiroilua' } });
    expect(asResident.room!.chat[1]!.text).toBe('Asiallinen');
    const asChair = play(chair, messages);
    expect(asChair.room!.chat[0]).toMatchObject({ userId: ids.saana, name: 'Saana Kirjuri', text: 'Asiaton', hidden: { reason: 'Kiroilua' } });
    const asAuthor = play({ ...resident, userId: ids.saana, name: 'Saana Kirjuri' }, messages);
    expect(asAuthor.room!.chat[0]).toMatchObject({ userId: ids.saana, name: 'Saana Kirjuri', text: null, hidden: { reason: 'Kiroilua' } });
  });

  it('shows a held message to its author and the moderators until it is released', () => {
    const store = play(chair, [
      event({ type: 'chat.posted', messageId: 'c1', userId: ids.aino, name: 'Aino Asukas', text: 'typerä ehdotus', held: true }),
    ]);
    expect(store.room!.chat[0]!.held).toBe(true);
    store.receive(event({ type: 'chat.released', messageId: 'c1' }), T0);
    expect(store.room!.chat[0]!.held).toBe(false);
  });

  it('follows a question through pre-moderation, votes, merging and answering', () => {
    const asked = { type: 'question.asked', questionId: 'q1', userId: ids.aino, name: 'Aino Asukas', anonymous: false, text: 'Milloin?', pending: true } as const;
    const store = play(chair, [event(asked)]);
    expect(store.room!.questions[0]!.status).toBe('pending');
    store.receive(event({ type: 'question.approved', questionId: 'q1' }), T0);
    store.receive(event({ type: 'question.asked', questionId: 'q2', userId: ids.saana, name: 'Saana Kirjuri', anonymous: false, text: 'Missä?', pending: false }), T0);
    store.receive(event({ type: 'question.tally', questionId: 'q1', votes: 3, mine: true }), T0);
    // The merged question's voters and author now back the other one: the server counts them.
    store.receive(event({ type: 'question.merged', questionId: 'q2', intoId: 'q1', intoVotes: 5 }), T0);
    store.receive(event({ type: 'question.answered', questionId: 'q1', how: 'written' }), T0);
    expect(store.room!.questions).toMatchObject([
      { questionId: 'q1', status: 'answered', answeredHow: 'written', votes: 5, mine: true },
      { questionId: 'q2', status: 'merged', mergedInto: 'q1' },
    ]);
    // An approval seen by the public is the question arriving: the same question is not added twice.
    store.receive(event({ ...asked, questionId: 'q1', pending: false }), T0);
    expect(store.room!.questions).toHaveLength(2);
  });

  it('removes a hidden question for the public but shows its author why', () => {
    const messages = [
      event({ type: 'question.asked', questionId: 'q1', userId: ids.aino, name: 'Aino Asukas', anonymous: true, text: 'Miksi?', pending: false }),
      event({ type: 'question.hidden', questionId: 'q1', reason: 'Sama kysymys on jo esitetty' }),
    ];
    const author = play(resident, messages);
    expect(author.room!.questions[0]).toMatchObject({ status: 'hidden', hiddenReason: 'Sama kysymys on jo esitetty' });
    const someoneElse = play({ ...resident, userId: ids.saana, name: 'Saana Kirjuri' }, [
      event({ type: 'question.asked', questionId: 'q1', userId: null, name: null, anonymous: true, text: 'Miksi?', pending: false }),
      event({ type: 'question.hidden', questionId: 'q1', reason: 'Sama kysymys on jo esitetty' }),
    ]);
    expect(someoneElse.room!.questions).toEqual([]);
  });

  it('counts the merged votes for the author of the merged question as their own', () => {
    const store = play({ ...resident, userId: ids.saana, name: 'Saana Kirjuri' }, [
      event({ type: 'question.asked', questionId: 'q1', userId: ids.aino, name: 'Aino Asukas', anonymous: false, text: 'Milloin?', pending: false }),
      event({ type: 'question.asked', questionId: 'q2', userId: ids.saana, name: 'Saana Kirjuri', anonymous: false, text: 'Koska?', pending: false }),
      event({ type: 'question.merged', questionId: 'q2', intoId: 'q1', intoVotes: 1 }),
    ]);
    expect(store.room!.questions[0]).toMatchObject({ questionId: 'q1', votes: 1, mine: true });
  });

  it('runs a poll: live tallies, own choice, hall counts, and final results with the close even when hidden', () => {
    const options = [{ id: 'o1', label: 'Kyllä' }, { id: 'o2', label: 'Ei' }];
    const open = event({ type: 'poll.opened', pollId: 'p1', question: 'Jatketaanko?', options, multiple: false, resultsWhile: 'open' });
    const store = play(resident, [open]);
    expect(store.room!.polls[0]!.results).toEqual({ remote: { o1: 0, o2: 0 }, hall: null, voters: 0 });
    store.receive(event({ type: 'poll.tally', pollId: 'p1', remote: { o1: 1, o2: 0 }, voters: 1, mine: ['o1'] }), T0);
    store.receive(event({ type: 'poll.tally', pollId: 'p1', remote: { o1: 1, o2: 1 }, voters: 2, mine: null }), T0);
    store.receive(event({ type: 'poll.hallCounted', pollId: 'p1', counts: { o1: 12, o2: 4 } }), T0);
    const final = { remote: { o1: 1, o2: 1 }, hall: { o1: 12, o2: 4 }, voters: 2 };
    store.receive(event({ type: 'poll.closed', pollId: 'p1', results: final }), T0);
    expect(store.room!.polls[0]).toMatchObject({ status: 'closed', mine: ['o1'], results: final });

    const secret = play(resident, [
      event({ type: 'poll.opened', pollId: 'p2', question: 'Salainen?', options, multiple: true, resultsWhile: 'closed' }),
      event({ type: 'poll.tally', pollId: 'p2', remote: {}, voters: 0, mine: ['o1', 'o2'] }),
    ]);
    expect(secret.room!.polls[0]).toMatchObject({ status: 'open', results: null, mine: ['o1', 'o2'] });
    const hidden = { remote: { o1: 3, o2: 2 }, hall: null, voters: 4 };
    secret.receive(event({ type: 'poll.closed', pollId: 'p2', results: hidden }), T0);
    expect(secret.room!.polls[0]).toMatchObject({ status: 'closed', results: hidden, mine: ['o1', 'o2'] });
    // The chair sees hidden results all along.
    const chairStore = play(chair, [event({ type: 'poll.opened', pollId: 'p2', question: 'Salainen?', options, multiple: true, resultsWhile: 'closed' })]);
    expect(chairStore.room!.polls[0]!.results).not.toBeNull();
  });

  it('moves the agenda, records decisions, tracks presence, check-in, mutes, removal and settings', () => {
    const store = play(chair, [
      event({ type: 'agenda.moved', index: 1 }),
      event({ type: 'decision.recorded', itemIndex: 1, text: 'Sali varataan kesäkuuksi.' }),
      event({ type: 'presence.joined', userId: ids.aino, name: 'Aino Asukas', roles: [], mode: 'remote' }),
      event({ type: 'presence.joined', userId: ids.aino, name: 'Aino Asukas', roles: [], mode: 'remote' }),
      event({ type: 'presence.checkedIn', userId: ids.aino }),
      event({ type: 'presence.left', userId: ids.aino }),
      // Saana had two tabs open when the snapshot was taken: closing one keeps her present.
      event({ type: 'presence.left', userId: ids.saana }),
      event({ type: 'participant.muted', userId: ids.saana, until: at(600), reason: 'Huutelu' }),
      event({ type: 'settings.changed', slowModeSeconds: 30, wordFilter: ['typerä'], premoderation: true }),
    ]);
    const room = store.room!;
    expect(room.currentItem).toBe(1);
    expect(room.agenda[1]!.decisions).toEqual(['Sali varataan kesäkuuksi.']);
    // One of two tabs closed: still present.
    expect(room.participants.find((p) => p.userId === ids.aino)).toMatchObject({ present: true, connections: 1, mode: 'hall' });
    expect(room.participants.find((p) => p.userId === ids.saana)).toMatchObject({ present: true, connections: 1, mutedUntil: at(600), muteReason: 'Huutelu' });
    expect(room.settings).toEqual({ slowModeSeconds: 30, wordFilter: ['typerä'], premoderation: true });

    store.receive(event({ type: 'presence.left', userId: ids.aino }), T0);
    expect(room.participants.find((p) => p.userId === ids.aino)!.present).toBe(false);
    store.receive(event({ type: 'participant.unmuted', userId: ids.saana }), T0);
    expect(room.participants.find((p) => p.userId === ids.saana)).toMatchObject({ mutedUntil: null, muteReason: null });
    store.receive(event({ type: 'queue.raised', userId: ids.saana, name: 'Saana Kirjuri', pointOfOrder: false }), T0);
    store.receive(event({ type: 'participant.removed', userId: ids.saana, reason: 'Häirintä' }), T0);
    expect(room.participants.some((p) => p.userId === ids.saana)).toBe(false);
    expect(room.queue).toEqual([]);

    // A resident is not told the word list.
    const residentStore = play(resident, [event({ type: 'settings.changed', slowModeSeconds: 0, wordFilter: [], premoderation: false })]);
    expect(residentStore.room!.settings.wordFilter).toBeNull();
  });

  it('counts a speaker’s time from a snapshot taken mid-turn without counting it twice', () => {
    const store = new RoomStore();
    // The snapshot was taken 20 s into Saana's turn; she spoke 30 s earlier.
    const state = snapshot({ floor: { userId: ids.saana, name: 'Saana Kirjuri', since: at(0) }, speakingSeconds: { [ids.saana]: 50 } });
    // This device's clock is 15 s behind the server's.
    store.receive(welcome(resident, state, at(20)), T0 + 5_000);
    expect(store.room!.speakingSeconds[ids.saana]).toBe(30);
    expect(store.clockOffsetMs).toBe(15_000);
    expect(store.serverNow(T0 + 10_000)).toBe(T0 + 25_000);
    // Event times say when things happened, not what the clock reads now (a replay is late): the offset stays.
    store.receive(event({ type: 'floor.ended', userId: ids.saana, seconds: 45 }, 45), T0 + 45_000);
    expect(store.room!.speakingSeconds[ids.saana]).toBe(75);
    expect(store.clockOffsetMs).toBe(15_000);
  });

  it('tells listeners about each applied event and counts viewers', () => {
    const store = play(resident, []);
    const seen: string[] = [];
    const stop = store.listen((e) => seen.push(e.type));
    store.receive(event({ type: 'agenda.moved', index: 1 }), T0);
    store.receive({ type: 'viewers', count: 42 }, T0);
    stop();
    store.receive(event({ type: 'agenda.moved', index: 0 }), T0);
    expect(seen).toEqual(['agenda.moved']);
    expect(store.viewers).toBe(42);
  });

  it('shows the line being typed until it is finished, and keeps the latest finished lines', () => {
    const store = play(resident, [event({ type: 'caption.posted', text: 'Ensimmäinen.' })], snapshot({ captions: [{ seq: 9, at: at(-5), text: 'Aiempi.' }] }));
    store.receive({ type: 'caption.interim', text: 'Toinen ri' }, T0);
    expect(store.interimCaption).toBe('Toinen ri');
    store.receive(event({ type: 'caption.posted', text: 'Toinen rivi.' }, 1), T0);
    expect(store.interimCaption).toBeNull();
    store.receive(event({ type: 'caption.posted', text: 'Kolmas.' }, 2), T0);
    expect(store.room!.captions.map((line) => line.text)).toEqual(['Ensimmäinen.', 'Toinen rivi.', 'Kolmas.']);
    expect(store.room!.captions.at(-1)).toEqual({ seq, at: at(2), text: 'Kolmas.' });
    // A reconnect starts without a half-typed line: the next one replaces it anyway.
    store.receive({ type: 'caption.interim', text: 'Nelj' }, T0);
    store.receive({ type: 'welcome', you: resident, state: null, checkInCode: null, now: at(3) }, T0);
    expect(store.interimCaption).toBeNull();
  });
});
