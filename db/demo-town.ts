import { hashPassword } from '../server/auth/passwords.ts';
import type { SpaceKind, SpaceRole, Visibility } from '../server/permissions/permissions.ts';
import type { Sql } from './connection.ts';

/**
 * Pihlajalahti is an invented Finnish town; its people are invented too (no name comes
 * from the programmes in shared/seeds). Seeded only into an empty database in demo mode.
 */
export const DEMO_PASSWORD = 'pihlajalahti-demo';

type Text = { fi: string; sv: string; en: string };

export const demoAccounts = [
  { key: 'resident', email: 'asukas@pihlajalahti.example', displayName: 'Aino Asukas' },
  { key: 'juror', email: 'raati@pihlajalahti.example', displayName: 'Juho Raatikainen' },
  { key: 'juror2', email: 'raati2@pihlajalahti.example', displayName: 'Kaisa Kuulola' },
  { key: 'juror3', email: 'raati3@pihlajalahti.example', displayName: 'Ville Vastamäki' },
  { key: 'moderator', email: 'moderaattori@pihlajalahti.example', displayName: 'Mira Valvoja' },
  { key: 'secretary', email: 'sihteeri@pihlajalahti.example', displayName: 'Saana Kirjuri' },
  { key: 'chair', email: 'puheenjohtaja@pihlajalahti.example', displayName: 'Paavo Puhemies' },
  { key: 'admin', email: 'yllapito@pihlajalahti.example', displayName: 'Ansa Ylläpitäjä' },
] as const;

type AccountKey = (typeof demoAccounts)[number]['key'];

interface DemoSpace {
  slug: string;
  kind: SpaceKind;
  visibility: Visibility;
  name: Text;
  description: Text;
  roles: Partial<Record<AccountKey, SpaceRole[]>>;
  meeting: { inDays: number; mode: 'meeting' | 'broadcast'; title: Text };
}

const forumStaff: DemoSpace['roles'] = { moderator: ['moderator'], secretary: ['secretary'], chair: ['chair'] };

const spaces: DemoSpace[] = [
  {
    slug: 'ymparistofoorumi',
    kind: 'forum',
    visibility: 'public',
    name: { fi: 'Ympäristöfoorumi', sv: 'Miljöforum', en: 'Environment forum' },
    description: {
      fi: 'Asukkaiden, yhdistysten ja kaupungin yhteinen foorumi Pihlajalahden luonnosta, puistoista ja ilmastotyöstä.',
      sv: 'Ett gemensamt forum för invånare, föreningar och staden om Pihlajalahtis natur, parker och klimatarbete.',
      en: 'A forum of residents, associations and the city on Pihlajalahti’s nature, parks and climate work.',
    },
    roles: { ...forumStaff, resident: ['member'] },
    meeting: {
      inDays: 3,
      mode: 'meeting',
      title: { fi: 'Rantapuiston kunnostus', sv: 'Upprustningen av Strandparken', en: 'Renovating the Shore Park' },
    },
  },
  {
    slug: 'kulttuurifoorumi',
    kind: 'forum',
    visibility: 'public',
    name: { fi: 'Kulttuurifoorumi', sv: 'Kulturforum', en: 'Culture forum' },
    description: {
      fi: 'Kulttuuritoimijoiden ja asukkaiden foorumi tapahtumista, tiloista ja avustuksista.',
      sv: 'Ett forum för kulturaktörer och invånare om evenemang, lokaler och bidrag.',
      en: 'A forum of cultural actors and residents on events, venues and grants.',
    },
    roles: forumStaff,
    meeting: {
      inDays: 10,
      mode: 'meeting',
      title: { fi: 'Kesän tapahtumakalenteri', sv: 'Sommarens evenemangskalender', en: 'The summer events calendar' },
    },
  },
  {
    slug: 'liikuntafoorumi',
    kind: 'forum',
    visibility: 'public',
    name: { fi: 'Liikuntafoorumi', sv: 'Idrottsforum', en: 'Sports forum' },
    description: {
      fi: 'Seurojen ja asukkaiden foorumi liikuntapaikoista ja lähiliikunnasta.',
      sv: 'Ett forum för föreningar och invånare om idrottsplatser och närmotion.',
      en: 'A forum of clubs and residents on sports venues and local exercise.',
    },
    roles: forumStaff,
    meeting: {
      inDays: 17,
      mode: 'meeting',
      title: { fi: 'Lähiliikuntapaikat 2027', sv: 'Närmotionsplatser 2027', en: 'Local sports venues 2027' },
    },
  },
  {
    slug: 'asukasraati',
    kind: 'jury',
    visibility: 'members',
    name: { fi: 'Asukasraati: keskustan liikenne', sv: 'Invånarjury: trafiken i centrum', en: 'Resident jury: traffic in the centre' },
    description: {
      fi: 'Arvotut asukkaat kuulevat asiantuntijoita ja laativat suosituksia kaupunginvaltuustolle.',
      sv: 'Utlottade invånare hör experter och skriver rekommendationer till stadsfullmäktige.',
      en: 'Residents drawn by lot hear experts and write recommendations to the council.',
    },
    roles: { chair: ['chair'], secretary: ['secretary'], juror: ['juror'], juror2: ['juror'], juror3: ['juror'] },
    meeting: {
      inDays: 5,
      mode: 'meeting',
      title: { fi: 'Raadin toinen istunto', sv: 'Juryns andra session', en: 'The jury’s second session' },
    },
  },
  {
    slug: 'kuntalaisfoorumi',
    kind: 'townhall',
    visibility: 'public',
    name: { fi: 'Kuntalaisfoorumi', sv: 'Invånarforum', en: 'Town-hall forum' },
    description: {
      fi: 'Pormestari ja viranhaltijat kertovat ajankohtaisista asioista ja vastaavat asukkaiden kysymyksiin suorassa lähetyksessä.',
      sv: 'Borgmästaren och tjänstemännen berättar om aktuella frågor och svarar på invånarnas frågor i direktsändning.',
      en: 'The mayor and officials present current matters and answer residents’ questions live.',
    },
    roles: forumStaff,
    meeting: {
      inDays: 7,
      mode: 'broadcast',
      title: { fi: 'Talousarvio 2027 – kysy pormestarilta', sv: 'Budgeten 2027 – fråga borgmästaren', en: 'Budget 2027 – ask the mayor' },
    },
  },
];

/** An evening at 18:00 Helsinki time (winter time), `days` days from now. */
function eveningInDays(days: number): Date {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(16, 0, 0, 0);
  return date;
}

/** Seeds the demo town when the database holds no space yet; returns whether it did. */
export async function seedDemoTown(sql: Sql): Promise<boolean> {
  const [existing] = await sql`select 1 from spaces limit 1`;
  if (existing) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await sql.begin(async (tx) => {
    const userIds = new Map<AccountKey, string>();
    for (const account of demoAccounts) {
      const [row] = await tx<{ id: string }[]>`
        insert into users (email, email_key, display_name, password_hash, is_admin)
        values (${account.email}, ${account.email}, ${account.displayName}, ${passwordHash}, ${account.key === 'admin'})
        returning id`;
      userIds.set(account.key, row!.id);
    }
    for (const space of spaces) {
      const [row] = await tx<{ id: string }[]>`
        insert into spaces (slug, kind, name, description, visibility)
        values (${space.slug}, ${space.kind}, ${tx.json(space.name)}, ${tx.json(space.description)}, ${space.visibility})
        returning id`;
      const spaceId = row!.id;
      for (const [key, roles] of Object.entries(space.roles) as [AccountKey, SpaceRole[]][]) {
        for (const role of roles) {
          await tx`insert into space_roles (space_id, user_id, role) values (${spaceId}, ${userIds.get(key)!}, ${role})`;
        }
      }
      const startsAt = eveningInDays(space.meeting.inDays);
      const endsAt = new Date(startsAt.getTime() + 2 * 3_600_000);
      await tx`insert into meetings (space_id, title, description, starts_at, ends_at, mode)
               values (${spaceId}, ${tx.json(space.meeting.title)}, ${tx.json({ fi: '', sv: '', en: '' })},
                       ${startsAt}, ${endsAt}, ${space.meeting.mode})`;
    }
  });
  return true;
}
