import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import type { MediaRoom } from '../media-room.ts';
import { FfmpegProcess, ffprobeBeside, fillerKeyframe, probeDurationSeconds, runTool } from './ffmpeg.ts';
import { isVp8KeyframeStart, OPUS_FRAME_TICKS, OPUS_SILENCE, parseRtp, RtpOutput, TimelineMapping, vp8Payloads, type RtpView } from './rtp.ts';
import {
  AUDIO_PAYLOAD_TYPE,
  chapterMetadata,
  finalizeArgs,
  recordingArgs,
  recordingSdp,
  VIDEO_PAYLOAD_TYPE,
  type Chapter,
} from './session-files.ts';
import { freeUdpPortPairs } from './udp-ports.ts';

export type { Chapter };

export interface MeetingRecorderOptions {
  /** Where the finished file goes (created if missing); work files live in a subfolder until then. */
  directory: string;
  meetingId: string;
  audioProducerIds: string[];
  videoProducerId: string | null;
  ffmpegPath?: string;
}

export interface Recording {
  file: string;
  durationSeconds: number;
  chapters: Chapter[];
}

export interface MeetingRecorderEvents {
  /** ffmpeg died or the media input broke; the meeting goes on. stop() still saves what was written. */
  failed: [Error];
}

/** Microphones mixed at once; more wait for a free slot (see addAudio). */
export const AUDIO_SLOTS = 6;
const RECORDER_PEER = 'recorder';
const TICK_MS = 20;
const FILLER_EVERY_MS = 200;
const KEYFRAME_RETRY_MS = 1000;
/** How long a live microphone may stay quiet (muted, lost packets) before silence takes its place. */
const AUDIO_JITTER_MS = 200;
/** A new video source starts at least a frame (at 30 fps) after what was written. */
const VIDEO_MIN_STEP_TICKS = 3000;
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

interface Source {
  producerId: string;
  consumer: types.Consumer;
  ssrc: number;
  mapping: TimelineMapping;
}

interface AudioSlot {
  output: RtpOutput;
  source: Source | null;
}

/**
 * Records a meeting to one WebM file (VP8 + Opus) with chapter marks.
 *
 * Why one ffmpeg fed by a relay, rather than one ffmpeg per speaker joined afterwards: mediasoup's
 * PlainTransport sends every consumer's RTP to a UDP socket here, and the relay rewrites it into
 * fixed streams towards a single ffmpeg (one VP8, AUDIO_SLOTS Opus) whose SSRC, sequence numbers
 * and timestamps never jump. A speaker switch is then just a change of source at the new
 * speaker's keyframe (the old picture stays until then), with no seam, gap or re-encode; an empty
 * moment is filled on the same timeline (a dark VP8 keyframe, Opus silence), so the file is as long
 * as the meeting. ffmpeg cannot add inputs while running, hence fixed audio slots that it mixes.
 * Chapters are written by a final copy pass that also gives the file a proper duration and index.
 */
export class MeetingRecorder extends EventEmitter<MeetingRecorderEvents> {
  #startedAt = new Date();
  readonly #chapters: Chapter[] = [];
  readonly #audio: AudioSlot[] = [];
  readonly #waitingAudio: string[] = [];
  #video!: RtpOutput;
  #liveVideo: Source | null = null;
  /** The next speaker's video, forwarded from its first keyframe on. */
  #pendingVideo: Source | null = null;
  #filler!: Buffer;
  #fillerAt = -Infinity;
  #keyframeAskedAt = -Infinity;
  #startMs = 0;
  #endMs: number | null = null;
  #socket: Socket | null = null;
  #transport: types.PlainTransport | null = null;
  #ffmpeg: FfmpegProcess | null = null;
  #ticker: NodeJS.Timeout | undefined;
  #operations: Promise<void> = Promise.resolve();
  #failure: Error | null = null;
  #stopping: Promise<Recording> | null = null;
  #capabilities: types.RtpCapabilities;

  private constructor(
    private readonly room: MediaRoom,
    private readonly meetingId: string,
    private readonly directory: string,
    private readonly workDir: string,
    private readonly ffmpegPath: string,
  ) {
    super();
    this.#capabilities = {
      codecs: (room.rtpCapabilities.codecs ?? []).filter((codec) => ['audio/opus', 'video/vp8'].includes(codec.mimeType.toLowerCase())),
      headerExtensions: [],
    };
  }

  static async start(room: MediaRoom, options: MeetingRecorderOptions): Promise<MeetingRecorder> {
    if (!SAFE_ID.test(options.meetingId)) throw new Error(`meeting id ${JSON.stringify(options.meetingId)} cannot name a file`);
    await mkdir(options.directory, { recursive: true });
    const workDir = await mkdtemp(join(options.directory, `.${options.meetingId}-`));
    const recorder = new MeetingRecorder(room, options.meetingId, options.directory, workDir, options.ffmpegPath ?? 'ffmpeg');
    try {
      await recorder.#open();
    } catch (error) {
      recorder.#failure = error instanceof Error ? error : new Error(String(error));
      recorder.#closeInputs();
      await recorder.#endFfmpeg();
      recorder.#socket?.close();
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    if (options.videoProducerId) void recorder.setVideo(options.videoProducerId);
    for (const producerId of options.audioProducerIds) void recorder.addAudio(producerId);
    await recorder.#operations;
    return recorder;
  }

  /** The wall-clock moment of the file's 0 s (saveRecording's startedAt). */
  get startedAt(): Date {
    return this.#startedAt;
  }

  /** For diagnostics and tests. */
  get ffmpegPid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  /** The current speaker's video (null: none). Never rejects: a producer that cannot be recorded leaves the filler. */
  setVideo(producerId: string | null): Promise<void> {
    return this.#serially(async () => {
      if (producerId !== null && this.#pendingVideo?.producerId === producerId) return;
      this.#dropPendingVideo();
      if (producerId === null) {
        this.#closeSource(this.#liveVideo);
        this.#liveVideo = null;
        return;
      }
      if (this.#liveVideo?.producerId === producerId) return;
      const consumer = await this.#consume(producerId, 'video');
      if (!consumer) return;
      const source = this.#source(producerId, consumer, this.#video);
      consumer.on('producerpause', () => this.#onVideoPaused(source, true));
      consumer.on('producerresume', () => this.#onVideoPaused(source, false));
      consumer.on('producerclose', () => this.#onVideoGone(source));
      this.#pendingVideo = source;
      this.#keyframeAskedAt = performance.now();
      await this.#resume(source);
    });
  }

  /** A microphone to mix in; beyond AUDIO_SLOTS it waits until one is removed. Never rejects. */
  addAudio(producerId: string): Promise<void> {
    return this.#serially(async () => {
      if (this.#audio.some((slot) => slot.source?.producerId === producerId) || this.#waitingAudio.includes(producerId)) return;
      this.#waitingAudio.push(producerId);
      await this.#fillAudioSlots();
    });
  }

  removeAudio(producerId: string): Promise<void> {
    return this.#serially(async () => {
      this.#unassignAudio(producerId);
      await this.#fillAudioSlots();
    });
  }

  /** Marks the current moment (an agenda change) as the start of a chapter. */
  chapter(title: string): void {
    if (this.#stopping || this.#failure) return;
    this.#chapters.push({ title, startSeconds: Math.round(this.#elapsedMs()) / 1000 });
  }

  /** Finishes the file; after a failure it saves what was written, and rejects only if nothing usable was. */
  stop(): Promise<Recording> {
    this.#stopping ??= this.#finish();
    return this.#stopping;
  }

  async #open(): Promise<void> {
    this.#filler = await fillerKeyframe(this.ffmpegPath);

    const socket = createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (packet) => this.#onPacket(packet));
    socket.on('error', (error) => this.#fail(new Error(`recording relay socket: ${error.message}`)));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

    const transport = await this.room.createPlainTransport({ peerId: RECORDER_PEER, comedia: false, rtcpMux: true });
    this.#transport = transport;
    const base: types.Transport = transport;
    base.observer.once('close', () => this.#fail(new Error('the media room closed the recording transport')));
    await transport.connect({ ip: '127.0.0.1', port: socket.address().port });

    const { ffmpeg, videoPort, audioPorts } = await this.#startFfmpeg();
    this.#ffmpeg = ffmpeg;
    void ffmpeg.exited.then(({ code, signal, error }) => {
      const how = error ? error.message : signal ? `was killed by ${signal}` : `exited with ${code}`;
      this.#fail(new Error(`ffmpeg ${how} while recording: ${ffmpeg.stderrTail}`));
    });

    this.#startMs = performance.now();
    this.#startedAt = new Date();
    const sendTo = (port: number) => (packet: Buffer) => socket.send(packet, port, '127.0.0.1', () => {});
    const elapsed = () => this.#elapsedMs();
    this.#video = new RtpOutput(VIDEO_PAYLOAD_TYPE, 90_000, elapsed, sendTo(videoPort));
    for (const port of audioPorts) this.#audio.push({ output: new RtpOutput(AUDIO_PAYLOAD_TYPE, 48_000, elapsed, sendTo(port)), source: null });
    // Every stream's first packet goes out now: ffmpeg counts each stream from its first packet.
    this.#tick();
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
    this.#ticker.unref();
    await ffmpeg.waitUntilWriting(this.#rawFile);
  }

  /** The ports picked for ffmpeg may be taken by the time it binds them: then it tries again with others. */
  async #startFfmpeg(): Promise<{ ffmpeg: FfmpegProcess; videoPort: number; audioPorts: number[] }> {
    for (let attempt = 1; ; attempt++) {
      const [videoPort, ...audioPorts] = await freeUdpPortPairs(1 + AUDIO_SLOTS);
      if (videoPort === undefined) throw new Error('no UDP port for ffmpeg');
      const sdpFile = join(this.workDir, 'input.sdp');
      await writeFile(sdpFile, recordingSdp({ videoPort, audioPorts }));
      const ffmpeg = FfmpegProcess.spawn(this.ffmpegPath, recordingArgs({ sdpFile, output: this.#rawFile, audioSlots: AUDIO_SLOTS }));
      try {
        await ffmpeg.waitUntilListening([videoPort, ...audioPorts]);
        return { ffmpeg, videoPort, audioPorts };
      } catch (error) {
        await ffmpeg.interrupt();
        if (attempt === 3 || !ffmpeg.stderrTail.includes('bind failed')) throw error;
      }
    }
  }

  get #rawFile(): string {
    return join(this.workDir, 'live.webm');
  }

  #elapsedMs(): number {
    return performance.now() - this.#startMs;
  }

  #onPacket(packet: Buffer): void {
    if (this.#stopping || this.#failure) return;
    const rtp = parseRtp(packet);
    if (!rtp) return;
    if (this.#pendingVideo?.ssrc === rtp.ssrc) {
      if (!isVp8KeyframeStart(rtp.payload)) return;
      this.#closeSource(this.#liveVideo);
      this.#liveVideo = this.#pendingVideo;
      this.#pendingVideo = null;
      // Anchored afresh: it may have been live before (a camera switched off and on).
      this.#liveVideo.mapping = this.#mappingFor(this.#video);
    }
    if (this.#liveVideo?.ssrc === rtp.ssrc) return this.#forward(this.#video, this.#liveVideo, rtp);
    const slot = this.#audio.find((candidate) => candidate.source?.ssrc === rtp.ssrc);
    if (slot?.source) this.#forward(slot.output, slot.source, rtp);
  }

  #forward(output: RtpOutput, source: Source, rtp: RtpView): void {
    output.write(rtp.payload, source.mapping.ticksFor(rtp.timestamp), rtp.marker);
  }

  #tick(): void {
    const now = performance.now();
    if (!this.#liveVideo && now - this.#fillerAt >= FILLER_EVERY_MS) {
      this.#fillerAt = now;
      this.#writeFiller();
    }
    const pending = this.#pendingVideo;
    if (pending && !pending.consumer.producerPaused && now - this.#keyframeAskedAt >= KEYFRAME_RETRY_MS) {
      this.#keyframeAskedAt = now;
      pending.consumer.requestKeyFrame().catch(() => {});
    }
    for (const slot of this.#audio) this.#fillSilence(slot, slot.source ? AUDIO_JITTER_MS : 0);
  }

  #writeFiller(): void {
    const last = this.#video.lastTicks;
    const ticks = last === null ? this.#video.now() : Math.max(this.#video.now(), last + 1);
    const payloads = vp8Payloads(this.#filler);
    payloads.forEach((payload, i) => this.#video.write(payload, ticks, i === payloads.length - 1));
  }

  #fillSilence(slot: AudioSlot, lagMs: number): void {
    const until = slot.output.now() - (lagMs * 48_000) / 1000;
    let next = slot.output.lastTicks === null ? 0 : slot.output.lastTicks + OPUS_FRAME_TICKS;
    for (; next <= until; next += OPUS_FRAME_TICKS) slot.output.write(OPUS_SILENCE, next, false);
  }

  /** A paused consumer of the producer on the recording transport, or null if it cannot be recorded. */
  async #consume(producerId: string, kind: types.MediaKind): Promise<types.Consumer | null> {
    const transport = this.#transport;
    if (!transport || this.#stopping || this.#failure) return null;
    let consumer: types.Consumer;
    try {
      consumer = await this.room.consume({ peerId: RECORDER_PEER, transportId: transport.id, producerId, rtpCapabilities: this.#capabilities });
    } catch {
      // Gone meanwhile, or a codec the file cannot hold (H264): the filler or silence stays.
      return null;
    }
    if (consumer.kind !== kind || consumer.rtpParameters.encodings?.[0]?.ssrc === undefined || this.#stopping || this.#failure) {
      consumer.close();
      return null;
    }
    return consumer;
  }

  #source(producerId: string, consumer: types.Consumer, output: RtpOutput): Source {
    return { producerId, consumer, ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0, mapping: this.#mappingFor(output) };
  }

  #mappingFor(output: RtpOutput): TimelineMapping {
    return new TimelineMapping(output, output === this.#video ? VIDEO_MIN_STEP_TICKS : OPUS_FRAME_TICKS);
  }

  async #resume(source: Source): Promise<void> {
    await this.room.resumeConsumer(source.consumer.id).catch(() => {});
  }

  // A camera switched off shows the filler, not a frozen picture; when it is back, it takes over again at a keyframe.
  #onVideoPaused(source: Source, paused: boolean): void {
    if (paused && this.#liveVideo === source) {
      this.#liveVideo = null;
      // Unless another speaker is already taking over.
      if (this.#pendingVideo) this.#closeSource(source);
      else this.#pendingVideo = source;
    }
    if (!paused && this.#pendingVideo === source) {
      this.#keyframeAskedAt = performance.now();
      source.consumer.requestKeyFrame().catch(() => {});
    }
  }

  #onVideoGone(source: Source): void {
    if (this.#liveVideo === source) this.#liveVideo = null;
    if (this.#pendingVideo === source) this.#pendingVideo = null;
  }

  #dropPendingVideo(): void {
    this.#closeSource(this.#pendingVideo);
    this.#pendingVideo = null;
  }

  async #fillAudioSlots(): Promise<void> {
    for (;;) {
      const slot = this.#audio.find((candidate) => candidate.source === null);
      const producerId = this.#waitingAudio[0];
      if (!slot || producerId === undefined) return;
      this.#waitingAudio.shift();
      const consumer = await this.#consume(producerId, 'audio');
      if (!consumer) continue;
      consumer.on('producerclose', () => {
        this.#unassignAudio(producerId);
        void this.#serially(() => this.#fillAudioSlots());
      });
      const source = this.#source(producerId, consumer, slot.output);
      slot.source = source;
      await this.#resume(source);
    }
  }

  #unassignAudio(producerId: string): void {
    const waiting = this.#waitingAudio.indexOf(producerId);
    if (waiting >= 0) this.#waitingAudio.splice(waiting, 1);
    for (const slot of this.#audio) {
      if (slot.source?.producerId !== producerId) continue;
      this.#closeSource(slot.source);
      slot.source = null;
    }
  }

  #closeSource(source: Source | null): void {
    if (source && !source.consumer.closed) source.consumer.close();
  }

  /** Changes of source run one at a time, and never reject into the caller. */
  #serially(operation: () => Promise<void>): Promise<void> {
    const next = this.#operations.then(operation).catch(() => {});
    this.#operations = next;
    return next;
  }

  #fail(error: Error): void {
    if (this.#stopping || this.#failure) return;
    this.#failure = error;
    this.#endMs = this.#elapsedMs();
    this.#closeInputs();
    void this.#endFfmpeg();
    this.emit('failed', error);
  }

  /** Sources are detached; the filler and silence keep flowing until ffmpeg has finished. */
  #closeInputs(): void {
    this.#liveVideo = null;
    this.#pendingVideo = null;
    for (const slot of this.#audio) slot.source = null;
    // Closing the transport closes its consumers.
    if (this.#transport && !this.#transport.closed) this.#transport.close();
  }

  // ffmpeg acts on SIGINT only after its next packet: it waits for input without checking for
  // signals. So the ticker keeps feeding it until it has exited.
  async #endFfmpeg(): Promise<void> {
    await this.#ffmpeg?.interrupt();
    clearInterval(this.#ticker);
  }

  async #finish(): Promise<Recording> {
    await this.#operations;
    if (!this.#failure) {
      this.#endMs = this.#elapsedMs();
      const videoWasLive = this.#liveVideo !== null;
      this.#closeInputs();
      // Both streams run to this moment, whatever was (not) being sent.
      if (!videoWasLive) this.#writeFiller();
      for (const slot of this.#audio) this.#fillSilence(slot, 0);
    }
    await this.#endFfmpeg();
    await new Promise<void>((resolve) => (this.#socket ? this.#socket.close(() => resolve()) : resolve()));
    try {
      return await this.#save();
    } finally {
      await rm(this.workDir, { recursive: true, force: true });
    }
  }

  async #save(): Promise<Recording> {
    const written = await stat(this.#rawFile).catch(() => null);
    if (!written?.size) throw this.#failure ?? new Error('ffmpeg wrote no recording');
    const endSeconds = (this.#endMs ?? 0) / 1000;
    const chapters = this.#chapters.filter((chapter) => chapter.startSeconds < endSeconds);
    const metadataFile = join(this.workDir, 'chapters.txt');
    await writeFile(metadataFile, chapterMetadata(chapters, endSeconds));
    const finished = join(this.workDir, 'final.webm');
    await runTool(this.ffmpegPath, finalizeArgs({ raw: this.#rawFile, metadataFile, output: finished }));
    const durationSeconds = await probeDurationSeconds(ffprobeBeside(this.ffmpegPath), finished);
    const stamp = this.#startedAt.toISOString().replace(/[-:.]/g, '');
    const file = join(this.directory, `${this.meetingId}-${stamp}-${randomBytes(3).toString('hex')}.webm`);
    await rename(finished, file);
    return { file, durationSeconds, chapters };
  }
}
