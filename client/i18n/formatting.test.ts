/**
 * Dates, times and numbers follow the chosen language (and Helsinki time, wherever the reader's
 * device is): Finnish "24.11.2026 klo 18.00", Finland-Swedish "24 nov. 2026 18.00", British English
 * "24 Nov 2026, 18:00"; grouping and decimal marks, and where the percent sign goes.
 */
import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ThreadList from '../components/ThreadList.svelte';
import type { Thread } from '../types.ts';
import {
  DEFAULT_LANG,
  formatDate,
  formatDateTime,
  formatDateTimeRange,
  formatNumber,
  formatPercent,
  formatTime,
  setLang,
  type Lang,
} from './i18n.svelte.ts';

/** ICU joins with no-break spaces of one width or another; the reader sees a space either way. */
const spaced = (text: string) => text.replace(/[\s\u00a0\u202f]/g, ' ');

// 18.00 in Helsinki in winter (UTC+2): an evening meeting.
const meetingStart = '2026-11-24T16:00:00Z';
const meetingEnd = '2026-11-24T18:00:00Z';

type Expected = Record<'dateTime' | 'date' | 'time' | 'range' | 'count' | 'decimal' | 'percent' | 'posts', string>;

const expected: Record<Lang, Expected> = {
  fi: {
    dateTime: '24.11.2026 klo 18.00',
    date: '24.11.2026',
    time: '18.00',
    range: 'ti 24.11.2026 18.00–20.00',
    count: '1 234 567',
    decimal: '1 234,5',
    percent: '42 %',
    posts: 'viestejä: 1 234',
  },
  sv: {
    dateTime: '24 nov. 2026 18.00',
    date: '24 nov. 2026',
    time: '18.00',
    range: 'tis 24.11.2026 18.00–20.00',
    count: '1 234 567',
    decimal: '1 234,5',
    percent: '42 %',
    posts: 'meddelanden: 1 234',
  },
  en: {
    dateTime: '24 Nov 2026, 18:00',
    date: '24 Nov 2026',
    time: '18:00',
    range: 'Tue, 24/11/2026, 18:00–20:00',
    count: '1,234,567',
    decimal: '1,234.5',
    percent: '42%',
    posts: 'messages: 1,234',
  },
};

afterEach(() => {
  cleanup();
  setLang(DEFAULT_LANG);
  localStorage.clear();
});

describe.each(['fi', 'sv', 'en'] as const)('in %s', (lang) => {
  const want = expected[lang];

  it('formats a meeting’s date and time in Helsinki time', () => {
    setLang(lang);
    expect(spaced(formatDateTime(meetingStart))).toBe(want.dateTime);
    expect(spaced(formatDate(new Date(meetingStart)))).toBe(want.date);
    expect(spaced(formatTime(meetingStart))).toBe(want.time);
    expect(spaced(formatDateTimeRange(meetingStart, meetingEnd))).toBe(want.range);
  });

  it('formats counts and percentages', () => {
    setLang(lang);
    expect(spaced(formatNumber(1_234_567))).toBe(want.count);
    expect(spaced(formatNumber(1234.5))).toBe(want.decimal);
    expect(spaced(formatPercent(0.42))).toBe(want.percent);
    expect(spaced(formatPercent(1))).toBe(want.percent.replace('42', '100'));
  });

  it('shows a thread’s message count and last activity in the language', () => {
    setLang(lang);
    const thread: Thread = {
      id: 't1',
      spaceId: 's1',
      title: 'Rantapuiston koirapuisto',
      author: { id: 'u1', displayName: 'Aino Asukas' },
      createdAt: meetingStart,
      lastPostAt: meetingStart,
      postCount: 1234,
      locked: null,
    };
    const { container } = render(ThreadList, { threads: [thread] });
    const meta = spaced(container.querySelector('.meta')?.textContent ?? '');
    expect(meta).toContain(want.posts);
    expect(spaced(container.querySelector('time')?.textContent ?? '')).toBe(want.dateTime);
  });
});

it('follows a language switch without reloading', () => {
  setLang('fi');
  const finnish = formatDateTime(meetingStart);
  setLang('en');
  expect(formatDateTime(meetingStart)).not.toBe(finnish);
  expect(spaced(formatDateTime(meetingStart))).toBe(expected.en.dateTime);
});
