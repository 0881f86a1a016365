import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { MeetingRecorder } from '../../media/recording/meeting-recorder.ts';
import type { RoomEvent, RoomSelf, StampedEvent } from '../protocol/room-messages.ts';
import { saveRecording } from '../recordings/store.ts';
import { writeCaptionsBeside } from '../recordings/webvtt.ts';
import { RoomError } from '../rooms/commands.ts';
import type { RoomState } from '../rooms/room-state.ts';
import type { RoomMedia } from './room-media.ts';

export interface RoomRecordingOptions {
  sql: Sql;
  meetingId: string;
  directory: string;
  state: RoomState;
  media: RoomMedia;
  /** Stores room events (recording started, stopped, failed) in the room's log. */
  record: (actorId: string | null, events: RoomEvent[]) => Promise<void>;
  log?: FastifyBaseLogger | undefined;
}

/**
 * The chair's recording of one room: the sound of everyone sending and the picture of whoever
 * speaks (the floor holder, else the loudest voice), with a chapter at each agenda item and the
 * captioners' lines in a WebVTT file beside it. A failing recording is told to the room and saved
 * as far as it got; the meeting is never affected.
 */
export class RoomRecording {
  readonly #options: RoomRecordingOptions;
  #recorder: MeetingRecorder | null = null;
  #busy = false;
  #video: string | null = null;
  #audio = new Set<string>();
  /** The final caption lines posted while recording, with the moment each reached this process. */
  #captions: { atMs: number; text: string }[] = [];

  constructor(options: RoomRecordingOptions) {
    this.#options = options;
  }

  async start(self: RoomSelf): Promise<void> {
    const { media, state, meetingId, directory, record } = this.#options;
    if (this.#recorder || this.#busy || state.recording) throw new RoomError('conflict', 'The meeting is being recorded already');
    this.#busy = true;
    try {
      const room = await media.currentRoom();
      this.#audio = new Set(this.#audioSources());
      this.#video = this.#videoSource();
      const recorder = await MeetingRecorder.start(room, { directory, meetingId, audioProducerIds: [...this.#audio], videoProducerId: this.#video }).catch(
        async (error: unknown) => {
          this.#options.log?.error({ err: error }, 'recording could not start');
          await record(self.userId, [{ type: 'recording.failed', reason: 'The recording could not be started' }]);
          throw new RoomError('recording_failed', 'The recording could not be started');
        },
      );
      this.#recorder = recorder;
      this.#captions = [];
      recorder.on('failed', (error) => void this.#failed(recorder, error));
      recorder.chapter(this.#itemTitle());
      await record(self.userId, [{ type: 'recording.started' }]);
    } finally {
      this.#busy = false;
    }
  }

  async stop(self: RoomSelf): Promise<void> {
    const recorder = this.#recorder;
    if (!recorder) throw new RoomError('conflict', 'The meeting is not being recorded');
    this.#recorder = null;
    const durationSeconds = await this.#save(recorder, 'complete');
    await this.#options.record(self.userId, durationSeconds === null ? [{ type: 'recording.failed', reason: 'The recording could not be saved' }] : [{ type: 'recording.stopped', durationSeconds }]);
  }

  /** After each room event: a new agenda item starts a chapter, a caption line is kept for the captions file. */
  onEvent(stamped: StampedEvent): void {
    const e = stamped.event;
    if (e.type === 'agenda.moved') this.#recorder?.chapter(this.#itemTitle());
    // Timed by this process's clock, the one the recorder's startedAt was read from (the database's may differ).
    if (e.type === 'caption.posted' && this.#recorder) this.#captions.push({ atMs: Date.now(), text: e.text });
  }

  /** Producers came or went, or the speaker changed: follow them. */
  follow(): void {
    const recorder = this.#recorder;
    if (!recorder) return;
    const audio = new Set(this.#audioSources());
    for (const id of audio) if (!this.#audio.has(id)) void recorder.addAudio(id).catch(() => {});
    for (const id of this.#audio) if (!audio.has(id)) void recorder.removeAudio(id).catch(() => {});
    this.#audio = audio;
    const video = this.#videoSource();
    if (video !== this.#video) {
      this.#video = video;
      void recorder.setVideo(video).catch(() => {});
    }
  }

  /** The room is closing: what was recorded is kept. */
  async close(): Promise<void> {
    const recorder = this.#recorder;
    this.#recorder = null;
    if (recorder) await this.#save(recorder, 'complete');
  }

  async #failed(recorder: MeetingRecorder, error: Error): Promise<void> {
    if (this.#recorder !== recorder) return;
    this.#recorder = null;
    this.#options.log?.error({ err: error }, 'recording failed');
    await this.#save(recorder, 'partial');
    await this.#options.record(null, [{ type: 'recording.failed', reason: 'The recording stopped because of an error; what was recorded until then was saved' }]).catch(() => {});
  }

  /** Finishes the file and attaches it to the meeting; null when nothing usable was written. */
  async #save(recorder: MeetingRecorder, status: 'complete' | 'partial'): Promise<number | null> {
    const captions = this.#captions.map(({ atMs, text }) => ({ startSeconds: (atMs - recorder.startedAt.getTime()) / 1000, text }));
    this.#captions = [];
    try {
      const result = await recorder.stop();
      const captionsFile = await writeCaptionsBeside(result.file, captions, result.durationSeconds).catch((error: unknown) => {
        this.#options.log?.error({ err: error }, 'recording captions could not be written');
        return null;
      });
      await saveRecording(this.#options.sql, { meetingId: this.#options.meetingId, ...result, captionsFile, startedAt: recorder.startedAt, stoppedAt: new Date(), status });
      return result.durationSeconds;
    } catch (error) {
      this.#options.log?.error({ err: error }, 'recording could not be saved');
      return null;
    }
  }

  #audioSources(): string[] {
    return this.#options.media.producers.filter((p) => p.kind === 'audio' && !p.paused).map((p) => p.producerId);
  }

  /** The floor holder's screen or camera, else the active speaker's camera, else the stage's. */
  #videoSource(): string | null {
    const video = this.#options.media.producers.filter((p) => p.kind === 'video' && !p.paused);
    const of = (userId: string | null) => {
      const theirs = video.filter((p) => p.userId === userId);
      return theirs.find((p) => p.source === 'screen') ?? theirs[0];
    };
    return (of(this.#options.state.floor?.userId ?? null) ?? of(this.#options.media.activeSpeaker) ?? video.find((p) => p.source === 'camera') ?? video[0])?.producerId ?? null;
  }

  #itemTitle(): string {
    const { agenda, currentItem } = this.#options.state;
    return agenda[currentItem]?.title.fi ?? `${currentItem + 1}`;
  }
}
