// bench/soak.ts's load generator: every participant on a room socket of its meeting, chatting,
// asking and upvoting questions, raising and lowering a hand, voting in the chair's polls; a few in
// each room typing in the meeting's notes through the stock y-websocket client. Counts what it
// sent and received and everything that went wrong. Config as JSON in SOAK_LOAD.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { socketClass } from '../../server/collab/test-helpers.ts';
import type { ServerMessage } from '../../server/protocol/room-messages.ts';
import type { ParentToSoakLoad, SoakLoadConfig, SoakLoadCounts, SoakLoadToParent } from './soak-protocol.ts';

const config = JSON.parse(process.env.SOAK_LOAD ?? 'null') as SoakLoadConfig | null;
if (!config || !process.send) throw new Error('soak-load: start it from bench/soak.ts');
const send = (message: SoakLoadToParent) => process.send!(message);
const wsBase = config.baseUrl.replace(/^http/, 'ws');
// Each y-websocket provider listens for the process's exit (to say goodbye to the others).
process.setMaxListeners(config.rooms.length * config.editorsPerRoom + 20);

// Mean seconds between one participant's actions of each kind.
const CHAT_EVERY = 120;
const QUESTION_EVERY = 600;
const UPVOTE_EVERY = 300;
const HAND_EVERY = 300;
const POLL_EVERY = 60;
const EDIT_EVERY = 2;

const counts: SoakLoadCounts = { sockets: 0, chatSent: 0, questionsAsked: 0, votes: 0, queueMoves: 0, pollsOpened: 0, documentEdits: 0, eventsReceived: 0, errors: {} };
const fail = (kind: string) => (counts.errors[kind] = (counts.errors[kind] ?? 0) + 1);
let finishing = false;
let running = false;

/** Exponentially distributed wait with the given mean, so actions do not march in step. */
const next = (meanSeconds: number) => Date.now() + -Math.log(1 - Math.random()) * meanSeconds * 1000;

interface Participant {
  socket: WebSocket;
  room: RoomLoad;
  handUp: boolean;
  at: { chat: number; question: number; upvote: number; hand: number };
  requests: number;
  /** Texts of the questions this person asked, and their ids once seen: no one upvotes their own. */
  askedTexts: Set<string>;
  ownQuestions: Set<string>;
}

interface RoomLoad {
  meetingId: string;
  questions: string[];
  poll: { pollId: string; optionIds: string[] } | null;
  chair: WebSocket | null;
  nextPollAt: number;
}

function openSocket(path: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsBase}${path}`, { headers: { cookie: `aukio_session=${token}` } });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function watch(socket: WebSocket, room: RoomLoad, onEvent?: (message: Extract<ServerMessage, { type: 'event' }>) => void): void {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    // A vote that reaches a poll in the instant the chair closes it is refused, as it should be.
    if (message.type === 'error' && message.code !== 'poll_closed') fail(`error frame ${message.code}`);
    if (message.type !== 'event') return;
    counts.eventsReceived += 1;
    const event = message.event;
    if (event.type === 'question.asked' && !event.pending) room.questions.push(event.questionId);
    if (event.type === 'poll.opened') room.poll = { pollId: event.pollId, optionIds: event.options.map((o) => o.id) };
    if (event.type === 'poll.closed' && room.poll?.pollId === event.pollId) room.poll = null;
    onEvent?.(message);
  });
  socket.on('close', (code) => {
    if (!finishing) fail(`socket closed ${code}`);
  });
}

function request(p: Participant, message: Record<string, unknown>): void {
  if (p.socket.readyState !== WebSocket.OPEN) return;
  p.requests += 1;
  p.socket.send(JSON.stringify({ ...message, requestId: `q${p.requests}` }));
}

const participants: Participant[] = [];
const rooms: RoomLoad[] = config.rooms.map((r) => ({ meetingId: r.meetingId, questions: [], poll: null, chair: null, nextPollAt: next(POLL_EVERY) }));
const editors: { doc: Y.Doc; provider: WebsocketProvider; nextEditAt: number; name: string }[] = [];

async function connectAll(): Promise<void> {
  const started = performance.now();
  for (const [index, roomConfig] of config!.rooms.entries()) {
    const room = rooms[index]!;
    room.chair = await openSocket(`/rooms/${room.meetingId}`, config!.chair);
    watch(room.chair, room);
    // A hundred at a time: a town's audience arrives over minutes, not in one instant.
    for (let i = 0; i < roomConfig.participants.length; i += 100) {
      const batch = roomConfig.participants.slice(i, i + 100);
      const sockets = await Promise.all(
        batch.map((token) =>
          openSocket(`/rooms/${room.meetingId}`, token).catch(() => {
            fail('connect failed');
            return null;
          }),
        ),
      );
      for (const socket of sockets) {
        if (!socket) continue;
        const p: Participant = { socket, room, handUp: false, at: { chat: next(CHAT_EVERY), question: next(QUESTION_EVERY), upvote: next(UPVOTE_EVERY), hand: next(HAND_EVERY) }, requests: 0, askedTexts: new Set(), ownQuestions: new Set() };
        watch(socket, room, (message) => {
          if (message.event.type === 'question.asked' && p.askedTexts.delete(message.event.text)) p.ownQuestions.add(message.event.questionId);
          // Half the room votes in each poll, some seconds after it opens.
          if (message.event.type === 'poll.opened' && Math.random() < 0.5) {
            const { pollId, options } = message.event;
            // A poll the chair has replaced meanwhile is not voted in: its refusal is expected, not an error.
            setTimeout(() => {
              if (running && room.poll?.pollId === pollId) request(p, { type: 'poll.vote', pollId, optionIds: [options[Math.floor(Math.random() * options.length)]!.id] });
            }, Math.random() * 20_000);
          }
        });
        participants.push(p);
        counts.sockets += 1;
      }
    }
    for (const [e, token] of roomConfig.participants.slice(0, config!.editorsPerRoom).entries()) {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(`${wsBase}/collab`, `meeting:${room.meetingId}:notes`, doc, {
        WebSocketPolyfill: socketClass({ cookie: `aukio_session=${token}` }) as never,
        disableBc: true,
      });
      provider.on('connection-close', (event) => {
        if (!finishing) fail(`document socket closed ${event?.code ?? '?'}`);
      });
      editors.push({ doc, provider, nextEditAt: next(EDIT_EVERY), name: `kirjoittaja ${index}.${e}` });
    }
    send({ type: 'progress', message: `room ${index + 1}/${config!.rooms.length}: ${counts.sockets} sockets open` });
  }
  send({ type: 'connected', sockets: counts.sockets, editors: editors.length, seconds: (performance.now() - started) / 1000 });
}

let pollNumber = 0;
function tick(): void {
  if (!running) return;
  const now = Date.now();
  for (const p of participants) {
    if (now >= p.at.chat) {
      p.at.chat = next(CHAT_EVERY);
      request(p, { type: 'chat.send', text: `Kommentti ${counts.chatSent} rannan kunnostuksesta` });
      counts.chatSent += 1;
    }
    if (now >= p.at.question) {
      p.at.question = next(QUESTION_EVERY);
      const text = `Kysymys ${counts.questionsAsked}: milloin työt alkavat?`;
      p.askedTexts.add(text);
      request(p, { type: 'question.ask', text, anonymous: Math.random() < 0.2 });
      counts.questionsAsked += 1;
    }
    if (now >= p.at.upvote) {
      p.at.upvote = next(UPVOTE_EVERY);
      const questionId = p.room.questions[Math.floor(Math.random() * p.room.questions.length)];
      if (questionId && !p.ownQuestions.has(questionId)) {
        request(p, { type: 'question.vote', questionId, up: true });
        counts.votes += 1;
      }
    }
    if (now >= p.at.hand) {
      p.at.hand = next(HAND_EVERY);
      request(p, p.handUp ? { type: 'queue.lower' } : { type: 'queue.raise', pointOfOrder: false });
      p.handUp = !p.handUp;
      counts.queueMoves += 1;
    }
  }
  for (const room of rooms) {
    if (now < room.nextPollAt || room.chair?.readyState !== WebSocket.OPEN) continue;
    room.nextPollAt = next(POLL_EVERY);
    if (room.poll) room.chair.send(JSON.stringify({ type: 'poll.close', pollId: room.poll.pollId }));
    pollNumber += 1;
    room.chair.send(JSON.stringify({ type: 'poll.open', question: `Äänestys ${pollNumber}`, options: ['Kyllä', 'Ei', 'En osaa sanoa'], multiple: false, resultsWhile: 'open' }));
    counts.pollsOpened += 1;
  }
  for (const editor of editors) {
    if (now < editor.nextEditAt || !editor.provider.synced) continue;
    editor.nextEditAt = next(EDIT_EVERY);
    const text = editor.doc.getText('soak');
    text.insert(text.length, `${editor.name}: muistiinpano ${counts.documentEdits}. `);
    counts.documentEdits += 1;
  }
}

async function finish(): Promise<void> {
  running = false;
  finishing = true;
  for (const editor of editors) editor.provider.destroy();
  for (const p of participants) p.socket.close();
  for (const room of rooms) room.chair?.close();
  send({ type: 'result', counts });
}

process.on('message', (message: ParentToSoakLoad) => {
  if (message.type === 'go') {
    running = true;
    const timer = setInterval(tick, 100);
    setTimeout(() => {
      clearInterval(timer);
      void finish();
    }, config.seconds * 1000);
  }
  if (message.type === 'finish' && !finishing) void finish();
});

connectAll().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
