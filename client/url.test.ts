import { describe, expect, it } from 'vitest';
import { paramOf, withQuery } from './url.ts';

describe('url helpers', () => {
  it('builds a query string without empty values', () => {
    expect(withQuery('/api/x', { a: 'b c', n: 5, empty: '', none: null, missing: undefined })).toBe('/api/x?a=b+c&n=5');
    expect(withQuery('/api/x', {})).toBe('/api/x');
  });

  it('reads one parameter', () => {
    expect(paramOf('?q=rantapuisto&x=1', 'q')).toBe('rantapuisto');
    expect(paramOf('', 'q')).toBe('');
  });
});
