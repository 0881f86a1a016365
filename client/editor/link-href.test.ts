import { describe, expect, it } from 'vitest';
import { safeHref } from './link-href.ts';

describe('safeHref', () => {
  it('keeps web and e-mail addresses, and reads a bare host as a web address', () => {
    expect(safeHref('https://pihlajalahti.example/kirjasto')).toBe('https://pihlajalahti.example/kirjasto');
    expect(safeHref(' mailto:raati@pihlajalahti.example ')).toBe('mailto:raati@pihlajalahti.example');
    expect(safeHref('www.pihlajalahti.example')).toBe('https://www.pihlajalahti.example/');
  });

  it('refuses scripts, data and other schemes, and what is no address', () => {
    for (const href of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.fi', 'vbscript:x', '', 'kirjasto', 'http://']) {
      expect(safeHref(href)).toBeNull();
    }
  });
});
