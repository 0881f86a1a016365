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
