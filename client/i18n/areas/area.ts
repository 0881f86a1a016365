/**
 * A feature's strings in all three languages, kept in one file so the feature's author adds a
 * key once for each language; en.ts, fi.ts and sv.ts spread these in.
 */
export function area<const English extends Record<string, string>>(dictionaries: {
  en: English;
  fi: Record<keyof English, string>;
  sv: Record<keyof English, string>;
}): { en: English; fi: Record<keyof English, string>; sv: Record<keyof English, string> } {
  return dictionaries;
}
