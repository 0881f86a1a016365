/** Building and reading query strings (plain values, never stored in reactive state). */

/** `path?key=value&…`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** One parameter of a query string (`?q=…`), or '' when it is absent. */
export function paramOf(search: string, name: string): string {
  return new URLSearchParams(search).get(name) ?? '';
}

/**
 * A return address (`?next=`) as a path on this site, or `fallback`. Decided by the URL parser the
 * browser navigates with, not by how the text starts: `/\t/evil.example` (a tab, which the parser
 * drops), `/\evil.example` and `/.//evil.example` all begin with one slash and still lead away.
 * The answer is the parsed path, query and hash, so what is navigated to is what was checked.
 */
export function sameOriginPath(next: string, origin: string, fallback = '/'): string {
  let url: URL;
  try {
    url = new URL(next, `${origin}/`);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  // A path that starts `//` (from `/.//host`) would be read as another host when navigated to.
  return path.startsWith('//') ? fallback : path;
}
