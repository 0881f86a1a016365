import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LANG, setLang, type Lang } from '../../i18n/i18n.svelte.ts';
import type { MediaStatusValue } from './media-status.ts';
import MediaStatus from './MediaStatus.svelte';

const expected: Record<Lang, Record<Exclude<MediaStatusValue, 'idle'>, string>> = {
  en: {
    connecting: 'Connecting…',
    live: 'You are live',
    watching: 'Watching live',
    reconnecting: 'Connection lost. Reconnecting…',
    failed: 'Video could not start — retrying',
  },
  fi: {
    connecting: 'Yhdistetään…',
    live: 'Olet suorassa lähetyksessä',
    watching: 'Katselet suoraa lähetystä',
    reconnecting: 'Yhteys katkesi. Yhdistetään uudelleen…',
    failed: 'Video ei käynnistynyt – yritetään uudelleen',
  },
  sv: {
    connecting: 'Ansluter…',
    live: 'Du sänds direkt',
    watching: 'Du tittar på direktsändningen',
    reconnecting: 'Anslutningen bröts. Ansluter igen…',
    failed: 'Videon kunde inte starta – försöker igen',
  },
};

describe('MediaStatus', () => {
  afterEach(() => {
    cleanup();
    setLang(DEFAULT_LANG);
  });

  for (const lang of ['en', 'fi', 'sv'] as const) {
    it(`says each state in ${lang} through one polite status region`, async () => {
      setLang(lang);
      const { rerender } = render(MediaStatus, { status: 'idle' });
      const region = screen.getByRole('status');
      expect(region.textContent?.trim()).toBe('');
      for (const [status, text] of Object.entries(expected[lang])) {
        await rerender({ status: status as MediaStatusValue });
        // The same element throughout, so screen readers announce each change.
        expect(screen.getByRole('status')).toBe(region);
        expect(region.textContent?.trim()).toBe(text);
        expect(region.dataset.status).toBe(status);
      }
    });
  }
});
