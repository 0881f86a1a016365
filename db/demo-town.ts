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

interface DemoAgendaItem {
  title: Text;
  presenter?: string;
  minutes?: number;
}

interface DemoMeeting {
  inDays: number;
  mode: 'meeting' | 'broadcast';
  title: Text;
  description: Text;
  place: 'hall' | 'online' | 'hybrid';
  address?: string;
  capacity?: number;
  agenda: DemoAgendaItem[];
}

interface DemoSpace {
  slug: string;
  kind: SpaceKind;
  visibility: Visibility;
  name: Text;
  description: Text;
  roles: Partial<Record<AccountKey, SpaceRole[]>>;
  meeting: DemoMeeting;
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
      description: {
        fi: 'Kaupunki esittelee Rantapuiston kunnostussuunnitelman luonnoksen. Tule paikan päälle tai osallistu etänä.',
        sv: 'Staden presenterar utkastet till upprustningsplanen för Strandparken. Kom på plats eller delta på distans.',
        en: 'The city presents the draft renovation plan for the Shore Park. Come to the hall or take part remotely.',
      },
      place: 'hybrid',
      address: 'Kaupungintalo, valtuustosali, Torikatu 1, Pihlajalahti',
      capacity: 60,
      agenda: [
        { title: { fi: 'Avaus ja läsnäolijat', sv: 'Öppning och närvarande', en: 'Opening and attendance' }, presenter: 'Puheenjohtaja', minutes: 5 },
        { title: { fi: 'Kunnostussuunnitelman luonnos', sv: 'Utkastet till upprustningsplan', en: 'The draft renovation plan' }, presenter: 'Viheraluesuunnittelija', minutes: 30 },
        { title: { fi: 'Keskustelu ja kysymykset', sv: 'Diskussion och frågor', en: 'Discussion and questions' }, minutes: 45 },
        { title: { fi: 'Jatkovalmistelu', sv: 'Fortsatt beredning', en: 'Next steps' }, presenter: 'Sihteeri', minutes: 10 },
      ],
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
      description: {
        fi: 'Kootaan kesän tapahtumat yhteiseen kalenteriin ja sovitaan tilojen käytöstä.',
        sv: 'Vi samlar sommarens evenemang i en gemensam kalender och kommer överens om lokalerna.',
        en: 'We gather the summer’s events into one calendar and agree on the use of venues.',
      },
      place: 'hall',
      address: 'Pääkirjasto, kerhohuone Pihlaja, Kirjastokatu 4, Pihlajalahti',
      capacity: 30,
      agenda: [
        { title: { fi: 'Avaus', sv: 'Öppning', en: 'Opening' }, presenter: 'Puheenjohtaja', minutes: 5 },
        { title: { fi: 'Toimijoiden tapahtumat', sv: 'Aktörernas evenemang', en: 'Events of the organisations' }, minutes: 60 },
        { title: { fi: 'Tilavaraukset', sv: 'Lokalbokningar', en: 'Venue bookings' }, presenter: 'Kulttuurisihteeri', minutes: 20 },
      ],
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
      description: {
        fi: 'Mihin uudet lähiliikuntapaikat rakennetaan? Seurat ja asukkaat kertovat toiveensa.',
        sv: 'Var ska de nya närmotionsplatserna byggas? Föreningar och invånare berättar om sina önskemål.',
        en: 'Where should the new local sports venues be built? Clubs and residents share their wishes.',
      },
      place: 'hybrid',
      address: 'Urheilutalo, auditorio, Kenttätie 2, Pihlajalahti',
      capacity: 80,
      agenda: [
        { title: { fi: 'Avaus', sv: 'Öppning', en: 'Opening' }, presenter: 'Puheenjohtaja', minutes: 5 },
        { title: { fi: 'Nykyiset liikuntapaikat kartalla', sv: 'Nuvarande idrottsplatser på kartan', en: 'Current venues on the map' }, presenter: 'Liikuntasuunnittelija', minutes: 20 },
        { title: { fi: 'Toiveet ja ehdotukset', sv: 'Önskemål och förslag', en: 'Wishes and proposals' }, minutes: 60 },
      ],
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
      description: {
        fi: 'Raati kuulee liikenneasiantuntijoita ja aloittaa suositustensa luonnostelun.',
        sv: 'Juryn hör trafikexperter och börjar skissa sina rekommendationer.',
        en: 'The jury hears traffic experts and starts drafting its recommendations.',
      },
      place: 'hybrid',
      address: 'Kaupungintalo, kokoushuone 3, Torikatu 1, Pihlajalahti',
      capacity: 30,
      agenda: [
        { title: { fi: 'Edellisen istunnon yhteenveto', sv: 'Sammanfattning av förra sessionen', en: 'Summary of the previous session' }, presenter: 'Sihteeri', minutes: 10 },
        { title: { fi: 'Asiantuntijakuuleminen: joukkoliikenne', sv: 'Expertutfrågning: kollektivtrafik', en: 'Expert hearing: public transport' }, presenter: 'Liikenneinsinööri', minutes: 40 },
        { title: { fi: 'Suositusten luonnostelu', sv: 'Utkast till rekommendationer', en: 'Drafting recommendations' }, minutes: 60 },
      ],
    },
  },
  {
    // A jury listed publicly, as towns announce their juries and schedules: its page is open to
    // all, its sessions and drafts only to its jurors (see `inJury` in the permission table).
    slug: 'kuntalaisraati',
    kind: 'jury',
    visibility: 'public',
    name: { fi: 'Kuntalaisraati: kirjastoverkko', sv: 'Medborgarjury: biblioteksnätet', en: 'Citizens’ jury: the library network' },
    description: {
      fi: 'Arvottu raati pohtii, miten kirjastopalvelut järjestetään eri kaupunginosissa, ja julkaisee kannanottonsa.',
      sv: 'En utlottad jury funderar på hur bibliotekstjänsterna ordnas i olika stadsdelar och publicerar sitt ställningstagande.',
      en: 'A jury drawn by lot considers how library services are organised across the districts, and publishes its statement.',
    },
    roles: { chair: ['chair'], secretary: ['secretary'], juror2: ['juror'], juror3: ['juror'] },
    meeting: {
      inDays: 12,
      mode: 'meeting',
      title: { fi: 'Raadin ensimmäinen istunto', sv: 'Juryns första session', en: 'The jury’s first session' },
      description: {
        fi: 'Raati tutustuu kirjastoverkon nykytilaan ja sopii työskentelytavoistaan.',
        sv: 'Juryn bekantar sig med biblioteksnätets nuläge och kommer överens om sitt arbetssätt.',
        en: 'The jury learns how the library network stands today and agrees on how it will work.',
      },
      place: 'online',
      agenda: [
        { title: { fi: 'Tervetuloa ja työtavat', sv: 'Välkommen och arbetssätt', en: 'Welcome and ways of working' }, presenter: 'Puheenjohtaja', minutes: 15 },
        { title: { fi: 'Kirjastoverkon nykytila', sv: 'Biblioteksnätets nuläge', en: 'The library network today' }, presenter: 'Kirjastotoimenjohtaja', minutes: 45 },
      ],
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
      description: {
        fi: 'Pormestari esittelee ensi vuoden talousarvion ja vastaa asukkaiden kysymyksiin suorassa lähetyksessä.',
        sv: 'Borgmästaren presenterar nästa års budget och svarar på invånarnas frågor i direktsändning.',
        en: 'The mayor presents next year’s budget and answers residents’ questions live.',
      },
      place: 'hybrid',
      address: 'Kaupungintalo, juhlasali, Torikatu 1, Pihlajalahti',
      capacity: 150,
      agenda: [
        { title: { fi: 'Talousarvion esittely', sv: 'Presentation av budgeten', en: 'Presenting the budget' }, presenter: 'Pormestari', minutes: 20 },
        { title: { fi: 'Kysymykset ja vastaukset', sv: 'Frågor och svar', en: 'Questions and answers' }, presenter: 'Pormestari ja talousjohtaja', minutes: 60 },
        { title: { fi: 'Päätössanat', sv: 'Avslutning', en: 'Closing words' }, presenter: 'Puheenjohtaja', minutes: 5 },
      ],
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
        insert into users (email, email_key, display_name, password_hash, is_admin, email_verified_at)
        values (${account.email}, ${account.email}, ${account.displayName}, ${passwordHash}, ${account.key === 'admin'}, now())
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
      const m = space.meeting;
      const [meeting] = await tx<{ id: string }[]>`
        insert into meetings (space_id, title, description, starts_at, ends_at, mode, place, address, capacity)
        values (${spaceId}, ${tx.json(m.title)}, ${tx.json(m.description)}, ${startsAt}, ${endsAt}, ${m.mode},
                ${m.place}, ${m.address ?? null}, ${m.capacity ?? null})
        returning id`;
      for (const [position, item] of m.agenda.entries()) {
        await tx`insert into meeting_agenda_items (meeting_id, position, title, presenter, duration_minutes)
                 values (${meeting!.id}, ${position}, ${tx.json(item.title)}, ${item.presenter ?? null}, ${item.minutes ?? null})`;
      }
    }
  });
  return true;
}
