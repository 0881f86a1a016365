/** The one edit that turns `before` into `after`: delete `remove` characters at `at`, insert `insert`. */
export function singleEdit(before: string, after: string): { at: number; remove: number; insert: string } {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start += 1;
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end += 1;
  return { at: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}
