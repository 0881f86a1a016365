import { Device, type types } from 'mediasoup-client';
import { RoomCommandError, type RoomConnection } from '../room/connection.svelte.ts';
import type { MediaNotice, ProducerInfo, ServerMessage } from '../room/protocol.ts';
import type { RoomStore } from '../room/room-store.svelte.ts';
import { buildTiles, type RemoteTrack } from './media-tiles.ts';
import { CAMERA_ENCODINGS, layerForWidth, openScreen, openTrack } from './publishing.ts';
import type { MediaTile } from './tiles.ts';

export type MediaSessionStatus = 'idle' | 'connecting' | 'live' | 'watching' | 'reconnecting' | 'failed';
type Source = ProducerInfo['source'];

/** The camera and microphone chosen in the device check; null is off. */
export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
}

// A join that failed is tried again after this long (the status says so meanwhile).
const RETRY_MS = 3000;

/**
 * This device's part in the room's video, over the room's own socket: it receives everything
 * being sent, sends the camera, microphone or screen when allowed, and starts over by itself
 * after the socket reconnects or the server rebuilds the room's media.
 */
export class MediaSession {
  #status = $state<MediaSessionStatus>('idle');
  microphoneOn = $state(false);
  cameraOn = $state(false);
  screenSharing = $state(false);
  audioOnly = $state(false);
  /** Chosen in the device check; null until then. */
  devices = $state<DeviceChoice | null>(null);
  /** Set when the person was given the floor before choosing devices: the check should open. */
  deviceCheckWanted = $state(false);
  speakingUserId = $state<string | null>(null);
  /** The server runs no video (or not for this room). */
  unavailable = $state(false);
  #remote = $state<RemoteTrack[]>([]);
  #localCamera = $state<MediaStream | null>(null);
  #localScreen = $state<MediaStream | null>(null);

  // Not shown: the mediasoup objects behind the state above.
  #device: Device | null = null;
  #send: Promise<types.Transport> | null = null;
  #recv: Promise<types.Transport> | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #producers = new Map<Source, types.Producer>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #tracks = new Map<Source, MediaStreamTrack>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #consumers = new Map<string, types.Consumer>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #layers = new Map<string, number>();
  /** Bumped by every (re)join: work of an older join stops where it notices. */
  #generation = 0;
  #wanted = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  readonly #unlisten: (() => void)[] = [];

  constructor(
    private readonly connection: RoomConnection,
    private readonly store: RoomStore,
  ) {
    this.#unlisten.push(connection.listen((message) => this.#onMessage(message)));
    this.#unlisten.push(
      store.listen((event, you) => {
        if (event.type === 'floor.given' && event.userId === you.userId) void this.#goLive();
      }),
    );
  }

  /** What the person sees: a dropped room socket means reconnecting, whatever the media was doing. */
  get status(): MediaSessionStatus {
    if (this.#wanted && this.connection.status === 'reconnecting') return 'reconnecting';
    return this.#status;
  }

  /** May this person send now (the server decides; this only hides controls that would be refused)? */
  get canPublish(): boolean {
    const { you, room } = this.store;
    if (!you?.userId || !you.canParticipate || !room) return false;
    const me = room.participants.find((p) => p.userId === you.userId);
    if (me?.mutedUntil && Date.parse(me.mutedUntil) > this.store.serverNow()) return false;
    return room.mode === 'meeting' || you.canChair || room.floor?.userId === you.userId;
  }

  readonly tiles: MediaTile[] = $derived.by(() => this.#buildTiles());

  readonly audioStreams: MediaStream[] = $derived(this.#remote.flatMap((track) => (track.info.kind === 'audio' && track.stream ? [track.stream] : [])));

  /** Starts watching (and sending what was chosen) once the room socket is up. */
  start(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    if (this.connection.status === 'connected') void this.#join();
  }

  stop(): void {
    this.#wanted = false;
    clearTimeout(this.#retry);
    for (const unlisten of this.#unlisten) unlisten();
    this.#teardown();
    for (const track of this.#tracks.values()) track.stop();
    this.#tracks.clear();
    this.#localCamera = null;
    this.#localScreen = null;
    this.#status = 'idle';
  }

  /** The device check's answer: sends what was chosen, when allowed. */
  async chooseDevices(choice: DeviceChoice): Promise<void> {
    this.devices = choice;
    this.deviceCheckWanted = false;
    if (!this.canPublish) return;
    if (choice.microphoneId !== null && !this.microphoneOn) await this.#publish('microphone');
    if (choice.cameraId !== null && !this.cameraOn) await this.#publish('camera');
  }

  async toggleMicrophone(): Promise<void> {
    await (this.microphoneOn ? this.#unpublish('microphone') : this.#publish('microphone'));
  }

  async toggleCamera(): Promise<void> {
    await (this.cameraOn ? this.#unpublish('camera') : this.#publish('camera'));
  }

  async toggleScreen(): Promise<void> {
    await (this.screenSharing ? this.#unpublish('screen') : this.#publish('screen'));
  }

  /** On a weak connection: stop receiving video (sound keeps playing). */
  async toggleAudioOnly(): Promise<void> {
    this.audioOnly = !this.audioOnly;
    await Promise.allSettled(
      [...this.#consumers.values()]
        .filter((consumer) => consumer.kind === 'video')
        .map((consumer) => (this.audioOnly ? this.#pauseConsumer(consumer) : this.#resumeConsumer(consumer))),
    );
  }

  /** A tile was drawn this big: ask for the simulcast layer that fits it. */
  setTileSize(tileId: string, size: { width: number; height: number }): void {
    const remote = this.#remote.find((track) => track.info.kind === 'video' && `${track.info.userId}:${track.info.source}` === tileId);
    const consumer = remote ? this.#consumers.get(remote.info.producerId) : undefined;
    if (!consumer) return;
    const layer = layerForWidth(size.width * (globalThis.devicePixelRatio || 1));
    if (this.#layers.get(consumer.id) === layer) return;
    this.#layers.set(consumer.id, layer);
    this.connection.send({ type: 'media.consumer.layers', consumerId: consumer.id, spatialLayer: layer }).catch(() => {});
  }

  async #join(): Promise<void> {
    clearTimeout(this.#retry);
    this.#teardown();
    const generation = this.#generation;
    this.#status = 'connecting';
    try {
      const { rtpCapabilities } = await this.connection.ask({ type: 'media.capabilities' });
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
      if (generation !== this.#generation) return;
      this.#device = device;
      const { producers } = await this.connection.ask({ type: 'media.join', rtpCapabilities: device.rtpCapabilities as never });
      if (generation !== this.#generation) return;
      // Set before the next message is handled: notices of new producers wait for this transport.
      this.#recv = this.#createTransport('recv');
      for (const info of producers) this.#added(info);
      await this.#recv;
      // What was being sent before a restart is sent again.
      // A source the server now refuses (the floor was taken meanwhile) is simply left off.
      for (const source of [...this.#tracks.keys()]) await this.#publish(source).catch(() => {});
      if (generation !== this.#generation) return;
      this.#updateStatus();
    } catch (error) {
      if (generation !== this.#generation || !this.#wanted) return;
      if (error instanceof RoomCommandError && error.code === 'media_unavailable') {
        this.unavailable = true;
        this.#status = 'idle';
        return;
      }
      this.#status = 'failed';
      this.#retry = setTimeout(() => {
        if (this.#wanted && this.connection.status === 'connected') void this.#join();
      }, RETRY_MS);
    }
  }

  /** Closes the transports (and with them every producer and consumer); the local tracks stay. */
  #teardown(): void {
    this.#generation += 1;
    for (const transport of [this.#send, this.#recv]) void transport?.then((t) => t.close(), () => {});
    this.#send = null;
    this.#recv = null;
    this.#device = null;
    this.#producers.clear();
    this.#consumers.clear();
    this.#layers.clear();
    this.#remote = [];
    this.speakingUserId = null;
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const device = this.#device;
    if (!device) throw new Error('media not joined');
    const { transport: params } = await this.connection.ask({ type: 'media.transport.create', direction });
    const options = params as unknown as types.TransportOptions;
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    const generation = this.#generation;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.connection.send({ type: 'media.transport.connect', transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = appData.source as Source;
      this.connection
        .ask({ type: 'media.produce', transportId: transport.id, kind, source, rtpParameters: rtpParameters as never })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    transport.on('connectionstatechange', (state) => {
      // The network path failed (ICE could not recover): start the media over.
      if (state === 'failed' && generation === this.#generation && this.#wanted) void this.#join();
    });
    return transport;
  }

  #onMessage(message: ServerMessage): void {
    if (message.type === 'welcome') {
      // A new socket: the server closed everything of the old one.
      if (this.#wanted) void this.#join();
      return;
    }
    if (!message.type.startsWith('media.') || !this.#device) return;
    const notice = message as MediaNotice;
    switch (notice.type) {
      case 'media.producerAdded':
        this.#added(notice.producer);
        break;
      case 'media.producerClosed':
        this.#closed(notice.producer);
        break;
      case 'media.producerPaused':
      case 'media.producerResumed':
        this.#pausedChanged(notice.producer);
        break;
      case 'media.restart':
        void this.#join();
        break;
      case 'media.activeSpeaker':
        this.speakingUserId = notice.userId;
        break;
      case 'media.audioLevels':
        if (notice.levels.length === 0) this.speakingUserId = null;
        break;
    }
  }

  #added(info: ProducerInfo): void {
    // One's own tracks come back as notices too; they are shown from the local camera instead.
    if (info.userId === this.store.you?.userId || this.#remote.some((track) => track.info.producerId === info.producerId)) return;
    this.#remote.push({ info, stream: null });
    void this.#consume(info, this.#generation);
  }

  async #consume(info: ProducerInfo, generation: number): Promise<void> {
    try {
      const recv = await this.#recv;
      if (!recv || generation !== this.#generation) return;
      const { consumer: params } = await this.connection.ask({ type: 'media.consume', transportId: recv.id, producerId: info.producerId });
      const consumer = await recv.consume({ id: params.id, producerId: params.producerId, kind: params.kind, rtpParameters: params.rtpParameters as types.RtpParameters });
      const remote = this.#remote.find((track) => track.info.producerId === info.producerId);
      if (generation !== this.#generation || !remote) {
        consumer.close();
        return;
      }
      this.#consumers.set(info.producerId, consumer);
      remote.stream = new MediaStream([consumer.track]);
      if (consumer.kind === 'video' && this.audioOnly) return;
      await this.#resumeConsumer(consumer);
    } catch {
      // The producer ended meanwhile, or the media is being rebuilt: nothing to show.
    }
  }

  async #resumeConsumer(consumer: types.Consumer): Promise<void> {
    await this.connection.send({ type: 'media.consumer.resume', consumerId: consumer.id });
    consumer.resume();
  }

  async #pauseConsumer(consumer: types.Consumer): Promise<void> {
    consumer.pause();
    await this.connection.send({ type: 'media.consumer.pause', consumerId: consumer.id });
  }

  #closed(info: ProducerInfo): void {
    const own = [...this.#producers].find(([, producer]) => producer.id === info.producerId);
    if (own) {
      // The server ended it: the floor was taken back or the person muted.
      void this.#unpublish(own[0], false);
      return;
    }
    this.#consumers.get(info.producerId)?.close();
    this.#consumers.delete(info.producerId);
    this.#remote = this.#remote.filter((track) => track.info.producerId !== info.producerId);
  }

  #pausedChanged(info: ProducerInfo): void {
    const remote = this.#remote.find((track) => track.info.producerId === info.producerId);
    if (remote) remote.info = info;
    const own = [...this.#producers].find(([, producer]) => producer.id === info.producerId);
    // A moderator paused what this device sends: it is off until a moderator resumes it.
    if (own && info.pausedByModerator) void this.#unpublish(own[0], true);
  }

  /** Given the floor: on with what the device check chose, or ask for the check first. */
  async #goLive(): Promise<void> {
    if (!this.#wanted) return;
    if (!this.devices) {
      this.deviceCheckWanted = true;
      return;
    }
    await this.chooseDevices(this.devices).catch(() => {});
  }

  async #publish(source: Source): Promise<void> {
    let track = this.#tracks.get(source);
    try {
      if (!track) {
        const deviceId = source === 'camera' ? (this.devices?.cameraId ?? null) : source === 'microphone' ? (this.devices?.microphoneId ?? null) : null;
        track = source === 'screen' ? await openScreen() : await openTrack(source, deviceId);
        this.#tracks.set(source, track);
        track.addEventListener('ended', () => void this.#unpublish(source));
      }
      this.#setLocal(source, track);
      if (!this.#device) return; // sent once the media joins
      this.#send ??= this.#createTransport('send');
      const send = await this.#send;
      const generation = this.#generation;
      const producer = await send.produce({
        track,
        stopTracks: false,
        appData: { source },
        ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
      });
      if (generation !== this.#generation) return;
      this.#producers.get(source)?.close();
      this.#producers.set(source, producer);
      this.#updateStatus();
    } catch (error) {
      if (!this.#producers.has(source)) this.#release(source);
      throw error;
    }
  }

  async #unpublish(source: Source, tellServer = true): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    producer?.close();
    this.#release(source);
    this.#updateStatus();
    if (producer && tellServer) await this.connection.send({ type: 'media.producer.close', producerId: producer.id }).catch(() => {});
  }

  #release(source: Source): void {
    this.#tracks.get(source)?.stop();
    this.#tracks.delete(source);
    this.#setLocal(source, null);
  }

  #setLocal(source: Source, track: MediaStreamTrack | null): void {
    if (source === 'microphone') this.microphoneOn = track !== null;
    if (source === 'camera') {
      this.cameraOn = track !== null;
      this.#localCamera = track ? new MediaStream([track]) : null;
    }
    if (source === 'screen') {
      this.screenSharing = track !== null;
      this.#localScreen = track ? new MediaStream([track]) : null;
    }
  }

  #buildTiles(): MediaTile[] {
    const you = this.store.you;
    const sending = this.#localCamera || this.#localScreen || this.microphoneOn;
    return buildTiles({
      remote: this.#remote,
      local: you?.userId && sending ? { userId: you.userId, name: you.name ?? '', camera: this.#localCamera, screen: this.#localScreen, microphoneOn: this.microphoneOn } : null,
      speakingUserId: this.speakingUserId,
      audioOnly: this.audioOnly,
    });
  }

  #updateStatus(): void {
    if (this.#device) this.#status = this.#producers.size > 0 ? 'live' : 'watching';
  }
}
