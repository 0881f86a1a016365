export interface Localized {
  fi: string;
  sv: string;
  en: string;
}

/**
 * Stored as given (Finnish always, Swedish and English when written), so a later edit can
 * tell a missing translation from one that happens to equal the Finnish text.
 */
export function stored(input: { fi: string; sv?: string | undefined; en?: string | undefined }): Partial<Localized> {
  const out: Partial<Localized> = { fi: input.fi.trim() };
  if (input.sv?.trim()) out.sv = input.sv.trim();
  if (input.en?.trim()) out.en = input.en.trim();
  return out;
}

/** What readers get: a missing translation falls back to Finnish. */
export function withFallback(value: Partial<Localized> | null | undefined): Localized {
  const fi = value?.fi ?? '';
  return { fi, sv: value?.sv || fi, en: value?.en || fi };
}
