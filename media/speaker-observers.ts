import type { types } from 'mediasoup';

export interface SpeakerVolume {
  producerId: string;
  /** dBov, from -127 (silence) to 0 (loudest). */
  volume: number;
}

export interface SpeakerObserverHandlers {
  onActiveSpeaker: (producerId: string) => void;
  onVolumes: (volumes: SpeakerVolume[]) => void;
  onSilence: () => void;
}

/** The two audio observers of a room's router; audio producers are added as they appear. */
export class SpeakerObservers {
  private constructor(
    private readonly activeSpeaker: types.ActiveSpeakerObserver,
    private readonly audioLevel: types.AudioLevelObserver,
  ) {}

  static async create(router: types.Router, handlers: SpeakerObserverHandlers): Promise<SpeakerObservers> {
    const activeSpeaker = await router.createActiveSpeakerObserver({ interval: 300 });
    // -70 dBov keeps room noise out of the volume list; 10 entries is more than a UI shows.
    const audioLevel = await router.createAudioLevelObserver({ maxEntries: 10, threshold: -70, interval: 800 });
    activeSpeaker.on('dominantspeaker', ({ producer }) => handlers.onActiveSpeaker(producer.id));
    audioLevel.on('volumes', (volumes) =>
      handlers.onVolumes(volumes.map(({ producer, volume }) => ({ producerId: producer.id, volume }))),
    );
    audioLevel.on('silence', () => handlers.onSilence());
    return new SpeakerObservers(activeSpeaker, audioLevel);
  }

  async add(producer: types.Producer): Promise<void> {
    if (producer.kind !== 'audio') return;
    // Producers closed meanwhile are dropped by the observers themselves; a failed add must not
    // fail the produce() that triggered it.
    await Promise.allSettled([
      this.activeSpeaker.addProducer({ producerId: producer.id }),
      this.audioLevel.addProducer({ producerId: producer.id }),
    ]);
  }

  close(): void {
    this.activeSpeaker.close();
    this.audioLevel.close();
  }
}
