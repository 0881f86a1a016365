import { once } from 'node:events';
import type { types } from 'mediasoup';
import { MediaRoom } from '../../media/media-room.ts';
import type { MediaWorkerPool } from '../../media/worker-pool.ts';
import type {
  MediaMessage,
  MediaNotice,
  MediaReply,
  ProducerInfo,
  RoomSelf,
  ServerMessage,
  StampedEvent,
} from '../protocol/room-messages.ts';
import { RoomError, requireChair, requireModerator } from '../rooms/commands.ts';
import type { Peer } from '../rooms/peer.ts';
import type { RoomState } from '../rooms/room-state.ts';
import { onStage, requirePublisher } from './publish-rules.ts';
import type { RoomRecording } from './room-recording.ts';

/** One socket's part in the room's media. */
interface MediaPeer {
  /** The peer id in the MediaRoom: per socket, so two tabs of one person are two peers. */
  key: string;
  peer: Peer;
  rtpCapabilities: types.RtpCapabilities | null;
  transports: Map<string, 'send' | 'recv'>;
  consumers: Set<string>;
}

interface LiveProducer {
  info: ProducerInfo;
  owner: MediaPeer;
}

export interface RoomMediaOptions {
  pool: MediaWorkerPool;
  meetingId: string;
  /** The room's live state (read only here): the floor, mutes and mode decide who may send. */
  state: RoomState;
  /** Replacement worker wait before a rebuild gives up (ms). */
  workerWaitMs?: number;
}

// The audio-level observer reports every 800 ms; the UI needs no more than a level a second.
const AUDIO_LEVELS_EVERY_MS = 1000;
const KIND_OF_SOURCE = { camera: 'video', screen: 'video', microphone: 'audio' } as const;

let nextKey = 0;

/**
 * The live video of one room: its MediaRoom (created when the first socket asks), who sends
 * what, and the rules of who may. Its notices are transient: none of this enters the room's log.
 */
export class RoomMedia {
  readonly #options: RoomMediaOptions;
  #room: Promise<MediaRoom> | null = null;
  readonly #peers = new Map<Peer, MediaPeer>();
  readonly #producers = new Map<string, LiveProducer>();
  #floorHolder: string | null;
  #levels: { userId: string; volume: number }[] | null = null;
  #levelsSentAt = 0;
  #levelsTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #activeSpeaker: string | null = null;
  /** The chair's recording, when this server records. */
  recording: RoomRecording | null = null;

  constructor(options: RoomMediaOptions) {
    this.#options = options;
    this.#floorHolder = options.state.floor?.userId ?? null;
  }

  get producers(): ProducerInfo[] {
    return [...this.#producers.values()].map((p) => p.info);
  }

  /** Whose voice the room hears most now. */
  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }

  /** The room's MediaRoom, started if need be (for recording). */
  currentRoom(): Promise<MediaRoom> {
    return this.#ensureRoom();
  }

  async handle(peer: Peer, message: MediaMessage): Promise<MediaReply | null> {
    if (this.#closed) throw new RoomError('media_unavailable', 'Video is not available in this room now');
    const self = peer.self;
    try {
      switch (message.type) {
        case 'media.capabilities':
          return { rtpCapabilities: (await this.#ensureRoom()).rtpCapabilities };
        case 'media.join': {
          await this.#ensureRoom();
          const member = this.#member(peer);
          member.rtpCapabilities = message.rtpCapabilities as types.RtpCapabilities;
          return { producers: this.producers };
        }
        case 'media.transport.create': {
          const member = this.#joined(peer);
          if (message.direction === 'send') requirePublisher(this.#options.state, self, Date.now());
          const room = await this.#ensureRoom();
          // One transport each way per socket: a new one replaces the old.
          for (const [id, direction] of member.transports) if (direction === message.direction) this.#closeTransport(room, member, id);
          const transport = await room.createWebRtcTransport({ peerId: member.key, direction: message.direction });
          member.transports.set(transport.id, message.direction);
          return { transport };
        }
        case 'media.transport.connect': {
          const member = this.#joined(peer);
          this.#ownTransport(member, message.transportId);
          await (await this.#ensureRoom()).connectWebRtcTransport(message.transportId, message.dtlsParameters as types.DtlsParameters);
          return null;
        }
        case 'media.produce':
          return { producerId: await this.#produce(peer, message) };
        case 'media.producer.close': {
          const producer = this.#ownProducer(peer, message.producerId);
          (await this.#ensureRoom()).closeProducer(producer.info.producerId);
          return null;
        }
        case 'media.producer.pause':
        case 'media.producer.resume': {
          const producer = this.#ownProducer(peer, message.producerId);
          const paused = message.type === 'media.producer.pause';
          if (!paused && producer.info.pausedByModerator) throw new RoomError('forbidden', 'A moderator paused this; only a moderator can resume it');
          if (!paused) requirePublisher(this.#options.state, self, Date.now());
          await this.#setPaused(producer, paused, false);
          return null;
        }
        case 'media.producer.moderate': {
          requireModerator(self);
          const producer = this.#producers.get(message.producerId);
          if (!producer) throw new RoomError('not_found', 'No such producer');
          await this.#setPaused(producer, message.paused, message.paused);
          return null;
        }
        case 'media.consume': {
          const member = this.#joined(peer);
          if (!member.rtpCapabilities) throw new RoomError('conflict', 'Join the media with your capabilities first');
          if (this.#ownTransport(member, message.transportId) !== 'recv') throw new RoomError('conflict', 'Consume on a receiving transport');
          const producer = this.#producers.get(message.producerId);
          if (!producer) throw new RoomError('not_found', 'That video or sound has ended');
          const consumer = await (await this.#ensureRoom()).consume({
            peerId: member.key,
            transportId: message.transportId,
            producerId: message.producerId,
            rtpCapabilities: member.rtpCapabilities,
          });
          member.consumers.add(consumer.id);
          consumer.observer.once('close', () => member.consumers.delete(consumer.id));
          return { consumer: { id: consumer.id, producerId: message.producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters } };
        }
        case 'media.consumer.resume':
        case 'media.consumer.pause':
        case 'media.consumer.layers': {
          const member = this.#joined(peer);
          if (!member.consumers.has(message.consumerId)) throw new RoomError('not_found', 'No such consumer');
          const room = await this.#ensureRoom();
          if (message.type === 'media.consumer.resume') await room.resumeConsumer(message.consumerId);
          else if (message.type === 'media.consumer.pause') await room.pauseConsumer(message.consumerId);
          else await room.setConsumerLayers(message.consumerId, message.spatialLayer, message.temporalLayer);
          return null;
        }
        case 'recording.start':
        case 'recording.stop': {
          requireChair(self);
          if (!this.recording) throw new RoomError('recording_unavailable', 'Recording is not available on this server');
          await (message.type === 'recording.start' ? this.recording.start(self) : this.recording.stop(self));
          return null;
        }
      }
    } catch (error) {
      if (error instanceof RoomError) throw error;
      // mediasoup refuses bad parameters with its own errors: the sender hears why, nothing more.
      throw new RoomError('invalid_media', error instanceof Error ? error.message.slice(0, 300) : 'Invalid media parameters');
    }
  }

  /** A socket left: its transports close, taking its producers (viewers are told) and consumers. */
  leave(peer: Peer): void {
    const member = this.#peers.get(peer);
    if (!member) return;
    this.#peers.delete(peer);
    void this.#room?.then((room) => room.closePeer(member.key), () => {});
  }

  /** Called after each event the room applies: the floor and mutes decide who may keep sending. */
  onEvent(stamped: StampedEvent): void {
    const holder = this.#options.state.floor?.userId ?? null;
    const before = this.#floorHolder;
    this.#floorHolder = holder;
    const e = stamped.event;
    // Taking the floor back ends that person's turn on camera and microphone, unless they are on the stage.
    if (before !== null && before !== holder) this.#closeProducersOf(before, (self) => !onStage(self));
    if (e.type === 'participant.muted') this.#closeProducersOf(e.userId, () => true);
    if (before !== holder) this.#changed();
    this.recording?.onEvent(stamped);
  }

  /** Ends the room's media, saving a recording in progress first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.recording?.close();
    clearTimeout(this.#levelsTimer);
    this.#peers.clear();
    this.#producers.clear();
    const room = this.#room;
    this.#room = null;
    void room?.then((r) => r.close(), () => {});
  }

  async #produce(peer: Peer, message: Extract<MediaMessage, { type: 'media.produce' }>): Promise<string> {
    const self = peer.self;
    const member = this.#joined(peer);
    requirePublisher(this.#options.state, self, Date.now());
    if (KIND_OF_SOURCE[message.source] !== message.kind) throw new RoomError('invalid_media', `A ${message.source} sends ${KIND_OF_SOURCE[message.source]}`);
    if (this.#ownTransport(member, message.transportId) !== 'send') throw new RoomError('conflict', 'Produce on a sending transport');
    const room = await this.#ensureRoom();
    // One producer per source and socket: a new camera replaces the old one.
    for (const existing of this.#producers.values()) {
      if (existing.owner === member && existing.info.source === message.source) room.closeProducer(existing.info.producerId);
    }
    const producer = await room.produce({
      peerId: member.key,
      transportId: message.transportId,
      kind: message.kind,
      rtpParameters: message.rtpParameters as types.RtpParameters,
      appData: { source: message.source },
    });
    const live: LiveProducer = {
      info: { producerId: producer.id, userId: self.userId!, name: self.name ?? '', kind: message.kind, source: message.source, paused: false, pausedByModerator: false },
      owner: member,
    };
    this.#producers.set(producer.id, live);
    producer.observer.once('close', () => {
      // A dead worker takes every producer with it: the restart tells everyone, not one notice each.
      if (this.#producers.get(producer.id) !== live || room.workerDied) return;
      this.#producers.delete(producer.id);
      this.#notify({ type: 'media.producerClosed', producer: live.info });
      this.#changed();
    });
    // The floor may have been taken back or the person muted while the producer was being made.
    try {
      requirePublisher(this.#options.state, self, Date.now());
      if (!this.#peers.has(peer)) throw new RoomError('gone', 'The socket left');
    } catch (error) {
      producer.close();
      throw error;
    }
    this.#notify({ type: 'media.producerAdded', producer: live.info });
    this.#changed();
    return producer.id;
  }

  async #setPaused(producer: LiveProducer, paused: boolean, byModerator: boolean): Promise<void> {
    const room = await this.#ensureRoom();
    if (paused) await room.pauseProducer(producer.info.producerId);
    else await room.resumeProducer(producer.info.producerId);
    producer.info.paused = paused;
    producer.info.pausedByModerator = paused && (byModerator || producer.info.pausedByModerator);
    this.#notify({ type: paused ? 'media.producerPaused' : 'media.producerResumed', producer: producer.info });
  }

  #closeProducersOf(userId: string, applies: (self: RoomSelf) => boolean): void {
    const ids = [...this.#producers.values()]
      .filter((p) => p.info.userId === userId && applies(p.owner.peer.self))
      .map((p) => p.info.producerId);
    if (ids.length === 0) return;
    void this.#room?.then(
      (room) => {
        for (const id of ids) if (this.#producers.has(id)) room.closeProducer(id);
      },
      () => {},
    );
  }

  #ensureRoom(): Promise<MediaRoom> {
    if (this.#closed) return Promise.reject(new RoomError('media_unavailable', 'Video is not available in this room now'));
    if (!this.#room) {
      const created = this.#createRoom();
      this.#room = created;
      created.catch(() => {
        if (this.#room === created) this.#room = null;
      });
    }
    return this.#room;
  }

  async #createRoom(): Promise<MediaRoom> {
    const { pool, meetingId, state } = this.#options;
    // Right after a worker died there may be no live worker yet: wait for its replacement.
    if (!pool.slots.some((slot) => slot.alive)) {
      await once(pool, 'workerReplaced', { signal: AbortSignal.timeout(this.#options.workerWaitMs ?? 20_000) });
    }
    const room = await MediaRoom.create(pool, { id: meetingId, mode: state.mode });
    if (this.#closed) {
      room.close();
      throw new RoomError('media_unavailable', 'Video is not available in this room now');
    }
    room.on('close', (reason) => {
      if (reason === 'worker-died') this.#restart(room);
    });
    room.on('viewerWorkerDied', () => this.#restart(room));
    room.on('activeSpeaker', ({ producerId }) => {
      const producer = this.#producers.get(producerId);
      if (!producer || producer.info.userId === this.#activeSpeaker) return;
      this.#activeSpeaker = producer.info.userId;
      this.#notify({ type: 'media.activeSpeaker', userId: producer.info.userId });
      this.#changed();
    });
    room.on('audioLevels', (volumes) => {
      const levels = volumes.flatMap(({ producerId, volume }) => {
        const producer = this.#producers.get(producerId);
        return producer ? [{ userId: producer.info.userId, volume }] : [];
      });
      this.#sendLevels(levels);
    });
    room.on('silence', () => this.#sendLevels([]));
    return room;
  }

  /**
   * A mediasoup worker under this room died: everything on it is gone. The room starts over on a
   * live worker and every socket is told to join again.
   */
  #restart(dead: MediaRoom): void {
    const current = this.#room;
    if (this.#closed || !current) return;
    void current.then((room) => {
      if (room !== dead || this.#room !== current) return;
      this.#room = null;
      this.#producers.clear();
      const joined = [...this.#peers.values()];
      this.#peers.clear();
      dead.close();
      const text = JSON.stringify({ type: 'media.restart' } satisfies ServerMessage);
      for (const member of joined) member.peer.send(text);
      this.#changed();
    }, () => {});
  }

  #sendLevels(levels: { userId: string; volume: number }[]): void {
    this.#levels = levels;
    if (this.#levelsTimer) return;
    const wait = Math.max(0, this.#levelsSentAt + AUDIO_LEVELS_EVERY_MS - Date.now());
    this.#levelsTimer = setTimeout(() => {
      this.#levelsTimer = undefined;
      this.#levelsSentAt = Date.now();
      if (this.#levels) this.#notify({ type: 'media.audioLevels', levels: this.#levels });
      this.#levels = null;
    }, wait);
    this.#levelsTimer.unref();
  }

  #notify(notice: MediaNotice): void {
    if (this.#closed) return;
    const text = JSON.stringify(notice satisfies ServerMessage);
    for (const member of this.#peers.values()) member.peer.send(text);
  }

  #changed(): void {
    if (!this.#closed) this.recording?.follow();
  }

  #member(peer: Peer): MediaPeer {
    let member = this.#peers.get(peer);
    if (!member) {
      nextKey += 1;
      member = { key: `p${nextKey}`, peer, rtpCapabilities: null, transports: new Map(), consumers: new Set() };
      this.#peers.set(peer, member);
    }
    return member;
  }

  #joined(peer: Peer): MediaPeer {
    const member = this.#peers.get(peer);
    if (!member) throw new RoomError('conflict', 'Join the media first');
    return member;
  }

  #ownTransport(member: MediaPeer, transportId: string): 'send' | 'recv' {
    const direction = member.transports.get(transportId);
    if (!direction) throw new RoomError('not_found', 'No such transport');
    return direction;
  }

  #ownProducer(peer: Peer, producerId: string): LiveProducer {
    const producer = this.#producers.get(producerId);
    if (!producer || producer.owner.peer !== peer) throw new RoomError('not_found', 'No such producer of yours');
    return producer;
  }

  #closeTransport(room: MediaRoom, member: MediaPeer, transportId: string): void {
    member.transports.delete(transportId);
    room.closeTransport(transportId);
  }
}
