/**
 * Titles as the published records show them. A direction override or isolate (U+202A–202E,
 * U+2066–2069) in a title runs on past it, into the record's own words after it on the line (the
 * version, the date, a tally) and reorders them: "Kannanotto ‮ · versio 2" reads backwards from
 * the mark on. A record is read as the town's word, so its titles are published without them;
 * the text of a record keeps what its writers typed (a mark there stays inside its paragraph).
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function publishedTitle(title: string): string {
  return title.replace(DIRECTION_CONTROLS, '');
}
