/** The link addresses an editor accepts: the same as the server's renderer keeps (web and e-mail). */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto'] as const;

/** The address as it will be stored, or null when it is not a web or e-mail address. */
export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 2048) return null;
  // "www.example.fi" is what people type; it means the web.
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.some((p) => url.protocol === `${p}:`)) return null;
  if (url.protocol !== 'mailto:' && !url.hostname.includes('.') && url.hostname !== 'localhost') return null;
  return url.href;
}
