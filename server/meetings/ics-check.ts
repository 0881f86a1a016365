/**
 * A strict reader of the iCalendar we publish, for the tests: it throws on anything an
 * ordinary calendar app could choke on, and returns the unfolded, unescaped properties.
 * (A stand-in until a real parser such as ical.js is available as a devDependency.)
 */

export interface Component {
  name: string;
  props: { name: string; params: string; value: string }[];
  children: Component[];
}

const textProps = new Set(['SUMMARY', 'DESCRIPTION', 'LOCATION', 'X-WR-CALNAME', 'X-WR-CALDESC', 'PRODID', 'UID']);
const utcDateTime = /^\d{8}T\d{6}Z$/;

function fail(message: string): never {
  throw new Error(`invalid iCalendar: ${message}`);
}

export function unescapeText(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function checkText(name: string, raw: string) {
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i]!;
    if (c === '\\') {
      if (!'\\;,nN'.includes(raw[i + 1] ?? '')) fail(`${name}: bad escape \\${raw[i + 1]}`);
      i += 1;
    } else if (c === ';' || c === ',') fail(`${name}: unescaped "${c}" in ${JSON.stringify(raw)}`);
    else if (c.charCodeAt(0) < 0x20 && c !== '\t') fail(`${name}: control character`);
  }
}

export function parseCalendar(body: string): Component {
  if (!body.endsWith('\r\n')) fail('does not end with CRLF');
  if (/\r(?!\n)|(?<!\r)\n/.test(body)) fail('bare CR or LF');
  const physical = body.slice(0, -2).split('\r\n');
  for (const line of physical) {
    if (Buffer.byteLength(line, 'utf8') > 75) fail(`line longer than 75 octets: ${line}`);
    if (line.includes('\uFFFD')) fail('a fold split a UTF-8 sequence');
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) fail('continuation line first');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  }

  const stack: Component[] = [];
  let root: Component | null = null;
  for (const line of logical) {
    const match = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (!match) fail(`not a content line: ${line}`);
    const [, rawName, params, value] = match as unknown as [string, string, string, string];
    const name = rawName.toUpperCase();
    if (name === 'BEGIN') {
      const component: Component = { name: value, props: [], children: [] };
      if (stack.length === 0) {
        if (root) fail('more than one top-level component');
        root = component;
      } else stack.at(-1)!.children.push(component);
      stack.push(component);
    } else if (name === 'END') {
      const open = stack.pop();
      if (!open || open.name !== value) fail(`END:${value} does not close ${open?.name ?? 'anything'}`);
    } else {
      if (stack.length === 0) fail(`property ${name} outside any component`);
      if (textProps.has(name)) checkText(name, value);
      stack.at(-1)!.props.push({ name, params, value: textProps.has(name) ? unescapeText(value) : value });
    }
  }
  if (stack.length > 0) fail(`${stack.at(-1)!.name} is never closed`);
  if (!root || root.name !== 'VCALENDAR') fail('not a VCALENDAR');
  checkCalendar(root);
  return root;
}

export const prop = (c: Component, name: string) => c.props.find((p) => p.name === name)?.value;

function once(c: Component, name: string) {
  const count = c.props.filter((p) => p.name === name).length;
  if (count !== 1) fail(`${c.name} has ${count} ${name}, wants exactly 1`);
  return prop(c, name)!;
}

function checkCalendar(cal: Component) {
  if (once(cal, 'VERSION') !== '2.0') fail('VERSION is not 2.0');
  once(cal, 'PRODID');
  if (once(cal, 'CALSCALE') !== 'GREGORIAN') fail('CALSCALE');
  if (once(cal, 'METHOD') !== 'PUBLISH') fail('METHOD');
  once(cal, 'X-WR-CALNAME');
  const uids = new Set<string>();
  for (const event of cal.children) {
    if (event.name !== 'VEVENT') fail(`unexpected ${event.name}`);
    const uid = once(event, 'UID');
    if (uids.has(uid)) fail(`UID ${uid} twice`);
    uids.add(uid);
    for (const name of ['DTSTAMP', 'DTSTART', 'DTEND', 'CREATED', 'LAST-MODIFIED']) {
      if (!utcDateTime.test(once(event, name))) fail(`${name} is not a UTC date-time`);
    }
    if (once(event, 'DTEND') <= once(event, 'DTSTART')) fail('DTEND is not after DTSTART');
    once(event, 'SUMMARY');
    if (!['CONFIRMED', 'CANCELLED', 'TENTATIVE'].includes(once(event, 'STATUS'))) fail('STATUS');
    if (!/^\d+$/.test(once(event, 'SEQUENCE'))) fail('SEQUENCE');
  }
}
