import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { mediaCodecs } from './codecs.ts';
import { SpeakerObservers, type SpeakerVolume } from './speaker-observers.ts';
import type { MediaWorkerPool, WorkerSlot } from './worker-pool.ts';

/**
 * meeting: everyone on one router. broadcast: producers live on the primary router and viewers
 * are spread over routers on every worker, fed through pipeToRouter, so an audience can use all
 * cores instead of one.
 */
export type MediaRoomMode = 'meeting' | 'broadcast';

/** What a browser needs to create its side of a WebRTC transport. */
export interface WebRtcTransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface MediaRoomEvents {
  activeSpeaker: [{ producerId: string; peerId: string }];
  audioLevels: [(SpeakerVolume & { peerId: string })[]];
  silence: [];
  /** Closed by the room itself (its producer or router went away): tell the viewer. */
  consumerClosed: [{ consumerId: string; peerId: string }];
  /** The producer behind a consumer paused or resumed. */
  consumerProducerPaused: [{ consumerId: string; peerId: string; paused: boolean }];
  /** A viewer router's worker died (broadcast): its viewers lost their consumers. */
  viewerWorkerDied: [slotIndex: number];
  /** worker-died: the primary router's worker died; build a new room (see pool workerReplaced). */
  close: [reason: 'closed' | 'worker-died'];
}

interface RoomRouter {
  slot: WorkerSlot;
  router: types.Router;
}

interface Owned<T> {
  peerId: string;
  item: T;
  router: types.Router;
  slot: WorkerSlot;
}

type AnyTransport = types.WebRtcTransport | types.PlainTransport;

export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly #routers = new Map<number, Promise<RoomRouter>>();
  readonly #transports = new Map<string, Owned<AnyTransport>>();
  readonly #producers = new Map<string, Owned<types.Producer>>();
  readonly #consumers = new Map<string, Owned<types.Consumer>>();
  /** producerId → routerIds it is already piped to (or being piped to). */
  readonly #pipes = new Map<string, Map<string, Promise<void>>>();
  #observers: SpeakerObservers | undefined;
  #closed = false;

  private constructor(
    readonly id: string,
    readonly mode: MediaRoomMode,
    private readonly pool: MediaWorkerPool,
    private readonly primary: RoomRouter,
  ) {
    super();
    this.#routers.set(primary.slot.index, Promise.resolve(primary));
    primary.router.on('workerclose', () => this.#shutDown('worker-died'));
  }

  static async create(
    pool: MediaWorkerPool,
    { id, mode = 'meeting', slotIndex }: { id: string; mode?: MediaRoomMode; slotIndex?: number },
  ): Promise<MediaRoom> {
    const slot = slotIndex === undefined ? pool.leastLoaded() : pool.slot(slotIndex);
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { roomId: id } });
    const room = new MediaRoom(id, mode, pool, { slot, router });
    try {
      room.#observers = await SpeakerObservers.create(router, {
        onActiveSpeaker: (producerId) => room.emit('activeSpeaker', { producerId, peerId: room.#peerOf(producerId) }),
        onVolumes: (volumes) => room.emit('audioLevels', volumes.map((volume) => ({ ...volume, peerId: room.#peerOf(volume.producerId) }))),
        onSilence: () => room.emit('silence'),
      });
      return room;
    } catch (error) {
      room.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The primary worker died: everything closing now goes with it, nobody closed it on purpose. */
  get workerDied(): boolean {
    return this.primary.slot.worker.died;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.primary.router.rtpCapabilities;
  }

  get primarySlotIndex(): number {
    return this.primary.slot.index;
  }

  /** Sending transports (and every transport in a meeting) live on the primary router. */
  async createWebRtcTransport({ peerId, direction }: { peerId: string; direction: 'send' | 'recv' }): Promise<WebRtcTransportParams> {
    const { slot, router } = await this.#routerFor(direction === 'recv' ? this.#viewerSlotIndex() : this.primary.slot.index);
    const transport = await router.createWebRtcTransport({
      webRtcServer: slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { peerId },
    });
    this.#track(transport, peerId, router, slot);
    const { id, iceParameters, iceCandidates, dtlsParameters } = transport;
    return { id, iceParameters, iceCandidates, dtlsParameters };
  }

  async connectWebRtcTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId).item;
    if (transport.type !== 'webrtc') throw new Error(`transport ${transportId} is not a WebRTC transport`);
    await transport.connect({ dtlsParameters });
  }

  /**
   * Plain RTP in or out of the room on this machine: recording (→ ffmpeg) and ingest. Defaults to
   * the primary router; give slotIndex to place an output elsewhere (consume() pipes to it).
   */
  async createPlainTransport({
    peerId,
    slotIndex = this.primary.slot.index,
    ip = '127.0.0.1',
    comedia = false,
    rtcpMux = true,
  }: { peerId: string; slotIndex?: number; ip?: string; comedia?: boolean; rtcpMux?: boolean }): Promise<types.PlainTransport> {
    const { slot, router } = await this.#routerFor(slotIndex);
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip }, comedia, rtcpMux, appData: { peerId } });
    this.#track(transport, peerId, router, slot);
    return transport;
  }

  async produce({
    peerId,
    transportId,
    kind,
    rtpParameters,
    paused = false,
    appData = {},
  }: {
    peerId: string;
    transportId: string;
    kind: types.MediaKind;
    rtpParameters: types.RtpParameters;
    paused?: boolean;
    appData?: types.AppData;
  }): Promise<types.Producer> {
    const owned = this.#transport(transportId);
    if (owned.router !== this.primary.router) throw new Error('producers must be created on a sending transport');
    const producer = await owned.item.produce({ kind, rtpParameters, paused, appData: { ...appData, peerId } });
    this.#producers.set(producer.id, { peerId, item: producer, router: owned.router, slot: owned.slot });
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      this.#pipes.delete(producer.id);
    });
    await this.#observers?.add(producer);
    return producer;
  }

  /** Consumers start paused: resume with resumeConsumer() once the client is ready to render. */
  async consume({
    peerId,
    transportId,
    producerId,
    rtpCapabilities,
  }: {
    peerId: string;
    transportId: string;
    producerId: string;
    rtpCapabilities: types.RtpCapabilities;
  }): Promise<types.Consumer> {
    const owned = this.#transport(transportId);
    if (!this.#producers.has(producerId)) throw new Error(`unknown producer ${producerId}`);
    await this.#pipeTo(producerId, owned.router);
    if (!owned.router.canConsume({ producerId, rtpCapabilities })) {
      throw new Error(`peer ${peerId} cannot consume producer ${producerId} with its RTP capabilities`);
    }
    const consumer = await owned.item.consume({ producerId, rtpCapabilities, paused: true, appData: { peerId } });
    const slot = owned.slot;
    slot.load++;
    this.#consumers.set(consumer.id, { peerId, item: consumer, router: owned.router, slot });
    consumer.observer.once('close', () => {
      slot.load--;
      this.#consumers.delete(consumer.id);
    });
    const closedBy = () => {
      if (!this.#closed) this.emit('consumerClosed', { consumerId: consumer.id, peerId });
    };
    consumer.on('producerclose', closedBy);
    consumer.on('transportclose', closedBy);
    consumer.on('producerpause', () => this.emit('consumerProducerPaused', { consumerId: consumer.id, peerId, paused: true }));
    consumer.on('producerresume', () => this.emit('consumerProducerPaused', { consumerId: consumer.id, peerId, paused: false }));
    return consumer;
  }

  /** Resumes and asks for a keyframe at once, so the viewer does not wait for the next one. */
  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#owned(this.#consumers, consumerId, 'consumer').item;
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.#owned(this.#consumers, consumerId, 'consumer').item.pause();
  }

  /** The simulcast layer a viewer wants; mediasoup switches to it on the next keyframe. */
  async setConsumerLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = this.#owned(this.#consumers, consumerId, 'consumer').item;
    if (consumer.type !== 'simulcast') return;
    await consumer.setPreferredLayers({ spatialLayer, ...(temporalLayer === undefined ? {} : { temporalLayer }) });
  }

  async pauseProducer(producerId: string): Promise<void> {
    await this.#owned(this.#producers, producerId, 'producer').item.pause();
  }

  async resumeProducer(producerId: string): Promise<void> {
    await this.#owned(this.#producers, producerId, 'producer').item.resume();
  }

  closeProducer(producerId: string): void {
    this.#owned(this.#producers, producerId, 'producer').item.close();
  }

  /** Returns the ids closed, so the server can tell the viewers. */
  closePeerProducers(peerId: string): string[] {
    const ids = [...this.#producers.values()].filter((owned) => owned.peerId === peerId).map((owned) => owned.item.id);
    for (const id of ids) this.closeProducer(id);
    return ids;
  }

  /** A transport and what runs on it (its producers or consumers). */
  closeTransport(transportId: string): void {
    this.#transports.get(transportId)?.item.close();
  }

  /** Everything a peer had: its transports take their producers and consumers with them. */
  closePeer(peerId: string): void {
    for (const owned of [...this.#transports.values()]) if (owned.peerId === peerId) owned.item.close();
  }

  /** Makes the producer consumable on the room's router on another worker (broadcast fan-out). */
  async pipeProducerTo(producerId: string, slotIndex: number): Promise<void> {
    if (!this.#producers.has(producerId)) throw new Error(`unknown producer ${producerId}`);
    await this.#pipeTo(producerId, (await this.#routerFor(slotIndex)).router);
  }

  /** Router count per worker slot and consumer count, for diagnostics and tests. */
  stats(): { slots: number[]; transports: number; producers: number; consumers: number } {
    return {
      slots: [...this.#routers.keys()].sort((a, b) => a - b),
      transports: this.#transports.size,
      producers: this.#producers.size,
      consumers: this.#consumers.size,
    };
  }

  peerOfProducer(producerId: string): string | undefined {
    return this.#producers.get(producerId)?.peerId;
  }

  close(): void {
    this.#shutDown('closed');
  }

  #shutDown(reason: 'closed' | 'worker-died'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#observers?.close();
    // Closing a router closes its transports, producers and consumers; the observers above
    // then release the load they held on their worker.
    for (const pending of this.#routers.values()) void pending.then(({ router }) => router.close(), () => {});
    this.#routers.clear();
    this.emit('close', reason);
  }

  #viewerSlotIndex(): number {
    if (this.mode === 'meeting') return this.primary.slot.index;
    // Prefer the primary on a tie: a viewer there needs no pipe.
    const primary = this.primary.slot;
    const best = this.pool.leastLoaded();
    return best.load < primary.load ? best.index : primary.index;
  }

  #routerFor(slotIndex: number): Promise<RoomRouter> {
    if (this.#closed) return Promise.reject(new Error(`media room ${this.id} is closed`));
    const existing = this.#routers.get(slotIndex);
    if (existing) return existing;
    const slot = this.pool.slot(slotIndex);
    const created = slot.worker.createRouter({ mediaCodecs, appData: { roomId: this.id } }).then((router) => {
      if (this.#closed) {
        router.close();
        throw new Error(`media room ${this.id} is closed`);
      }
      // A viewer router on a dead worker is dropped; its viewers get consumerClosed.
      router.on('workerclose', () => {
        this.#routers.delete(slotIndex);
        if (!this.#closed) this.emit('viewerWorkerDied', slotIndex);
      });
      router.observer.once('close', () => {
        if (this.#routers.get(slotIndex) === created) this.#routers.delete(slotIndex);
        for (const targets of this.#pipes.values()) targets.delete(router.id);
      });
      return { slot, router };
    });
    this.#routers.set(slotIndex, created);
    created.catch(() => {
      if (this.#routers.get(slotIndex) === created) this.#routers.delete(slotIndex);
    });
    return created;
  }

  #pipeTo(producerId: string, router: types.Router): Promise<void> {
    if (router === this.primary.router) return Promise.resolve();
    let targets = this.#pipes.get(producerId);
    if (!targets) this.#pipes.set(producerId, (targets = new Map()));
    const existing = targets.get(router.id);
    if (existing) return existing;
    // Concurrent consumers of one producer on one router must share a single pipe: a second
    // pipeToRouter would fail because the piped producer keeps the original id.
    const piping = this.primary.router.pipeToRouter({ producerId, router }).then(() => undefined);
    targets.set(router.id, piping);
    piping.catch(() => targets.delete(router.id));
    return piping;
  }

  #track(transport: AnyTransport, peerId: string, router: types.Router, slot: WorkerSlot): void {
    slot.load++;
    this.#transports.set(transport.id, { peerId, item: transport, router, slot });
    // The union of transport types has incompatible observer signatures; the base one has close.
    const base: types.Transport = transport;
    base.observer.once('close', () => {
      slot.load--;
      this.#transports.delete(transport.id);
    });
  }

  #transport(transportId: string): Owned<AnyTransport> {
    return this.#owned(this.#transports, transportId, 'transport');
  }

  #owned<T>(map: Map<string, Owned<T>>, id: string, what: string): Owned<T> {
    const owned = map.get(id);
    if (!owned) throw new Error(`unknown ${what} ${id} in media room ${this.id}`);
    return owned;
  }

  #peerOf(producerId: string): string {
    return this.#producers.get(producerId)?.peerId ?? '';
  }
}
