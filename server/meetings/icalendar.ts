/**
 * A small iCalendar (RFC 5545) writer for published meeting feeds: one VCALENDAR of VEVENTs,
 * times in UTC so no VTIMEZONE is needed.
 */

export interface CalendarEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string | undefined;
  location?: string | undefined;
  url?: string | undefined;
  status: 'CONFIRMED' | 'CANCELLED';
  sequence: number;
  created: Date;
  lastModified: Date;
}

export interface Calendar {
  prodId: string;
  name: string;
  description?: string | undefined;
  /** When a calendar app should fetch the feed again. */
  refreshMinutes: number;
  events: CalendarEvent[];
  /** The moment the feed was written (DTSTAMP of each event). */
  now: Date;
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** 20260314T160000Z */
export function utc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** TEXT value escaping (RFC 5545 3.3.11); control characters are not allowed in TEXT and are dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/**
 * Folds a content line into lines of at most 75 octets (RFC 5545 3.1), each continuation
 * starting with a space. It splits between code points, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join(CRLF);
}

const text = (name: string, value: string) => `${name}:${escapeText(value)}`;

function eventLines(event: CalendarEvent, now: Date): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utc(now)}`,
    `DTSTART:${utc(event.start)}`,
    `DTEND:${utc(event.end)}`,
    text('SUMMARY', event.summary),
  ];
  if (event.description) lines.push(text('DESCRIPTION', event.description));
  if (event.location) lines.push(text('LOCATION', event.location));
  // A URI value is not TEXT: it is written as is, so it must not hold a line break.
  if (event.url) lines.push(`URL:${event.url.replace(/[\r\n]/g, '')}`);
  lines.push(
    `STATUS:${event.status}`,
    `SEQUENCE:${event.sequence}`,
    `CREATED:${utc(event.created)}`,
    `LAST-MODIFIED:${utc(event.lastModified)}`,
    'END:VEVENT',
  );
  return lines;
}

export function renderCalendar(calendar: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    text('PRODID', calendar.prodId),
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    text('X-WR-CALNAME', calendar.name),
    ...(calendar.description ? [text('X-WR-CALDESC', calendar.description)] : []),
    `REFRESH-INTERVAL;VALUE=DURATION:PT${calendar.refreshMinutes}M`,
    `X-PUBLISHED-TTL:PT${calendar.refreshMinutes}M`,
    ...calendar.events.flatMap((event) => eventLines(event, calendar.now)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
