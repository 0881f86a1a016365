import { describe, expect, it } from 'vitest';
import { RoomCommandError, RoomConnection, reconnectDelay, type SocketLike } from './connection.svelte.ts';
import type { RoomSelf, RoomSnapshot, ServerMessage } from './protocol.ts';
import { RoomStore } from './room-store.svelte.ts';

const you: RoomSelf = { userId: 'u1', name: 'Aino Asukas', roles: [], canParticipate: true, canModerate: false, canChair: false, canCountHall: false, canCaption: false };
const state: RoomSnapshot = {
  meetingId: 'm1', seq: 5, mode: 'meeting', settings: { slowModeSeconds: 0, wordFilter: null, premoderation: false },
  participants: [], viewers: 1, chat: [], questions: [], queue: [], floor: null, speakingSeconds: {}, polls: [], agenda: [], currentItem: 0, recording: null, captions: [],
};

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  receive(message: ServerMessage) {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  drop(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const store = new RoomStore();
  const connection = new RoomConnection('m1', store, {
    url: (id, since) => `ws://test/rooms/${id}${since !== null ? `?since=${since}` : ''}`,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    setTimer: (fn, ms) => {
      const timer = { fn, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      const i = timers.indexOf(timer as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const runTimers = () => {
    for (const timer of timers.splice(0)) timer.fn();
  };
  return { sockets, timers, store, connection, runTimers };
}

describe('RoomConnection', () => {
  it('connects without since, resolves acks and errors by requestId', async () => {
    const { sockets, connection } = setup();
    connection.start();
    expect(sockets[0]!.url).toBe('ws://test/rooms/m1');
    expect(connection.status).toBe('connecting');
    await expect(connection.send({ type: 'queue.lower' })).rejects.toMatchObject({ code: 'offline' });
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    expect(connection.status).toBe('connected');
    const raised = connection.send({ type: 'queue.raise', pointOfOrder: false });
    const chat = connection.send({ type: 'chat.send', text: 'Hei' });
    const [first, second] = sockets[0]!.sent;
    expect(first).toMatchObject({ type: 'queue.raise', pointOfOrder: false });
    sockets[0]!.receive({ type: 'error', requestId: second!.requestId as string, code: 'muted', message: 'You are muted' });
    sockets[0]!.receive({ type: 'ack', requestId: first!.requestId as string, seq: 6 });
    await expect(raised).resolves.toBe(6);
    await expect(chat).rejects.toEqual(new RoomCommandError('muted', 'You are muted'));
  });

  it('reconnects after a drop with backoff, resuming after the last event seen', () => {
    const { sockets, timers, connection, runTimers } = setup();
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    sockets[0]!.receive({ type: 'event', seq: 6, at: new Date().toISOString(), event: { type: 'agenda.moved', index: 0 } });
    sockets[0]!.drop(1006);
    expect(connection.status).toBe('reconnecting');
    expect(timers[0]!.ms).toBe(750);
    runTimers();
    expect(sockets[1]!.url).toBe('ws://test/rooms/m1?since=6');
    sockets[1]!.drop(1006);
    expect(timers[0]!.ms).toBe(1500);
    runTimers();
    sockets[2]!.receive({ type: 'welcome', you, state: null, checkInCode: null, now: new Date().toISOString() });
    expect(connection.status).toBe('connected');
    expect(connection.attempt).toBe(0);
  });

  it('reconnects quickly when the server restarts, and stops for good when removed', () => {
    const { sockets, timers, connection, runTimers } = setup();
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    sockets[0]!.drop(4503, 'Server restarting');
    expect(timers[0]!.ms).toBeLessThan(2500);
    runTimers();
    sockets[1]!.receive({ type: 'welcome', you, state: null, checkInCode: null, now: new Date().toISOString() });
    sockets[1]!.drop(4409, 'Removed from the meeting: Häirintä');
    expect(connection.status).toBe('closed');
    expect(connection.lastClose).toEqual({ code: 4409, reason: 'Removed from the meeting: Häirintä' });
    expect(timers).toEqual([]);
  });

  it('drops the room and starts afresh, without resuming, when the person’s rights changed', () => {
    const { sockets, timers, connection, store, runTimers } = setup();
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you: { ...you, canModerate: true }, state, checkInCode: null, now: new Date().toISOString() });
    sockets[0]!.drop(4205, 'Your access changed: reconnect');
    expect(connection.status).toBe('reconnecting');
    expect(store.room).toBeNull();
    expect(store.you).toBeNull();
    expect(timers[0]!.ms).toBeLessThan(2500);
    runTimers();
    expect(sockets[1]!.url).toBe('ws://test/rooms/m1');
    sockets[1]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    expect(store.you).toEqual(you);
    expect(connection.lastClose).toBeNull();
  });

  it('shows the person signed out when the session ended, and reconnects as a visitor', () => {
    let signedOut = 0;
    const sockets: FakeSocket[] = [];
    const store = new RoomStore();
    const connection = new RoomConnection('m1', store, {
      url: (id, since) => `ws://test/rooms/${id}${since !== null ? `?since=${since}` : ''}`,
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      setTimer: (fn) => (fn(), 0),
      clearTimer: () => {},
      onSessionEnded: () => (signedOut += 1),
    });
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    sockets[0]!.drop(4440, 'Your session ended: sign in again');
    expect(signedOut).toBe(1);
    expect(sockets[1]!.url).toBe('ws://test/rooms/m1');
    sockets[1]!.drop(4401, 'Sign in to join this meeting');
    expect(connection.status).toBe('closed');
  });

  it('applies the final results that come with a poll’s close, on the same socket', () => {
    const { sockets, connection, store } = setup();
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    const options = [{ id: 'o1', label: 'Kyllä' }, { id: 'o2', label: 'Ei' }];
    const now = new Date().toISOString();
    sockets[0]!.receive({ type: 'event', seq: 6, at: now, event: { type: 'poll.opened', pollId: 'p1', question: 'Q?', options, multiple: false, resultsWhile: 'closed' } });
    expect(store.room!.polls[0]!.results).toBeNull();
    const results = { remote: { o1: 1, o2: 0 }, hall: null, voters: 1 };
    sockets[0]!.receive({ type: 'event', seq: 7, at: now, event: { type: 'poll.closed', pollId: 'p1', results } });
    expect(store.room!.polls[0]).toMatchObject({ status: 'closed', results });
    expect(sockets).toHaveLength(1);
    expect(connection.status).toBe('connected');
  });

  it('hands the error details to the caller', async () => {
    const { sockets, connection } = setup();
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    const chat = connection.send({ type: 'chat.send', text: 'Hei' });
    const details = { until: '2025-10-14T15:10:00.000Z', reason: 'Huutelu' };
    sockets[0]!.receive({ type: 'error', requestId: sockets[0]!.sent[0]!.requestId as string, code: 'muted', message: 'You are muted', details });
    await expect(chat).rejects.toMatchObject({ code: 'muted', details });
  });

  it('loads the room afresh when it resumes as another person or with other rights', () => {
    const { sockets, timers, connection, store, runTimers } = setup();
    const moderator: RoomSelf = { ...you, canModerate: true };
    connection.start();
    sockets[0]!.receive({ type: 'welcome', you: moderator, state: { ...state, settings: { ...state.settings, wordFilter: ['kielletty'] } }, checkInCode: null, now: new Date().toISOString() });
    sockets[0]!.drop(1006);
    runTimers();
    expect(sockets[1]!.url).toBe('ws://test/rooms/m1?since=5');
    // Demoted meanwhile: what the room holds was cut for a moderator.
    sockets[1]!.receive({ type: 'welcome', you, state: null, checkInCode: null, now: new Date().toISOString() });
    expect(store.room).toBeNull();
    expect(sockets[1]!.closedWith).toBe(1000);
    expect(sockets[2]!.url).toBe('ws://test/rooms/m1');
    sockets[2]!.receive({ type: 'welcome', you, state, checkInCode: null, now: new Date().toISOString() });
    expect(store.room!.settings.wordFilter).toBeNull();
    expect(connection.status).toBe('connected');
    expect(timers).toEqual([]);
  });

  it('backs off up to five seconds', () => {
    expect(reconnectDelay(1006, 10, 1)).toBe(5_000);
    expect(reconnectDelay(4408, 0, 0)).toBeGreaterThanOrEqual(10_000);
    expect(reconnectDelay(4429, 0, 0)).toBeGreaterThanOrEqual(15_000);
  });
});
