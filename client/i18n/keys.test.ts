/**
 * Every key the client asks for exists in the dictionary. The type checker covers most calls, but
 * not keys built at run time (`t(`reaction.${kind}`)`, codes from the server looked up with
 * `hasMessage`), which silently fall back to the key or the raw code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { displayNameProblems } from '../../server/auth/display-name.ts';
import { passwordProblems } from '../../server/auth/password-policy.ts';
import { spaceRoles } from '../../server/permissions/permissions.ts';
import { writeRefusals } from '../../server/write-limits.ts';
import { en } from './en.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const keys = new Set(Object.keys(en));

function sourcesUnder(folder: string, extensions: RegExp): { path: string; text: string }[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => extensions.test(name) && !name.endsWith('.test.ts'))
    .map((name) => ({ path: join(folder, name), text: readFileSync(join(root, folder, name), 'utf8') }));
}

const clientSources = sourcesUnder('client', /\.(ts|svelte)$/);
const serverSources = sourcesUnder('server', /\.ts$/);

/** A template literal's static parts as a pattern: `a.${x}.b` → /^a\.[^.]+\.b$/ (one key segment per `${…}`). */
function templatePattern(template: string): RegExp {
  const parts = template.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()[\]\\|{}]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^.]+')}$`);
}

interface Use {
  where: string;
  key: string;
}

/** The literal keys of every `t(…)` call: plain, and both sides of a `cond ? 'a' : 'b'` argument. */
function literalUses(): Use[] {
  const uses: Use[] = [];
  for (const { path, text } of clientSources) {
    for (const match of text.matchAll(/\bt\(\s*(['"])([^'"\n]+)\1/g)) uses.push({ where: path, key: match[2]! });
    for (const match of text.matchAll(/\bt\(\s*[^'"`(),;]*\?\s*(['"])([^'"\n]+)\1\s*:\s*(['"])([^'"\n]+)\3/g)) {
      uses.push({ where: path, key: match[2]! }, { where: path, key: match[4]! });
    }
  }
  return uses;
}

/** `t(`prefix.${value}`)` calls: the template as written. */
function templateUses(): Use[] {
  return clientSources.flatMap(({ path, text }) => [...text.matchAll(/\bt\(\s*`([^`]*)`/g)].map((match) => ({ where: path, key: match[1]! })));
}

/** What the server writes into the audit log (`action: '…'`, or a template), with where it does. */
function serverAuditValues(field: 'action' | 'targetType'): Use[] {
  const uses: Use[] = [];
  for (const { path, text } of serverSources) {
    if (!text.includes('recordAudit(')) continue;
    for (const match of text.matchAll(new RegExp(`\\b${field}: ([^,}\\n]+)`, 'g'))) {
      for (const literal of match[1]!.matchAll(/'([^']+)'|`([^`]+)`/g)) uses.push({ where: path, key: literal[1] ?? literal[2]! });
    }
  }
  return uses;
}

const missing = (uses: Use[], exists: (key: string) => boolean) =>
  uses.filter((use) => !exists(use.key)).map((use) => `${relative(root, join(root, use.where))}: ${use.key}`);

const anyKeyMatches = (template: string) => {
  const pattern = templatePattern(template);
  return [...keys].some((key) => pattern.test(key));
};

describe('every key the client uses exists', () => {
  it('finds the t() calls it checks (the scan itself works)', () => {
    expect(literalUses().length).toBeGreaterThan(500);
    expect(templateUses().length).toBeGreaterThan(10);
    expect(templatePattern('meeting.state.${meeting.state}').test('meeting.state.live')).toBe(true);
    expect(templatePattern('meeting.state.${meeting.state}').test('meeting.state')).toBe(false);
  });

  it('has every literal key of a t() call', () => {
    expect(missing(literalUses(), (key) => keys.has(key))).toEqual([]);
  });

  it('has at least one key for every key built in a t() call', () => {
    expect(missing(templateUses(), anyKeyMatches)).toEqual([]);
  });

  it('names every role a person can hold', () => {
    expect(spaceRoles.filter((role) => !keys.has(`role.${role}`))).toEqual([]);
  });

  it('explains every refusal of a password, a display name and a write in the reader’s language', () => {
    const codes = [
      ...passwordProblems.map((problem) => `password_${problem}`),
      ...displayNameProblems.map((problem) => `display_name_${problem}`),
      ...Object.values(writeRefusals).map((refusal) => refusal.code),
      'sign_in_locked',
      'separated_roles',
    ];
    expect(codes.filter((code) => !keys.has(`error.code.${code}`))).toEqual([]);
  });

  it('names every action and target the server writes into the audit log', () => {
    const actions = serverAuditValues('action');
    const targets = serverAuditValues('targetType');
    expect(actions.length).toBeGreaterThan(5);
    expect(targets.length).toBeGreaterThan(3);
    // A template (`minutes.${move}`) needs at least one named value; a literal needs its own name.
    expect(missing(actions, (action) => (action.includes('${') ? anyKeyMatches(`audit.action.${action}`) : keys.has(`audit.action.${action}`)))).toEqual([]);
    expect(missing(targets, (target) => keys.has(`audit.target.${target}`))).toEqual([]);
  });
});
