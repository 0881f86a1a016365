import type { Sql } from '../../db/connection.ts';
import { demoAccounts } from '../../db/demo-town.ts';
import { renderMarkdown } from '../../server/threads/markdown.ts';

export const BENCH_SPACE = 'ymparistofoorumi';
export const RESIDENT_EMAIL = demoAccounts.find((a) => a.key === 'resident')!.email;

export interface Seeded {
  threadId: string;
  posts: number;
  reactions: number;
  meetings: number;
  upcomingMeetings: number;
}

/** `{n}` in a body becomes the post's number, so no two posts carry the same text. */
const bodies = [
  'Hyvä aloitus! Rantapuiston **leikkipaikka** kaipaa todella uusia välineitä, ja penkkejä voisi olla enemmän rannan puolella. (#{n})',
  'Olen samaa mieltä edellisen kanssa.\n\nLisäisin vielä, että:\n\n- valaistus on talvella heikko\n- polut ovat keväällä kuralla\n- roska-astioita on liian vähän\n\nKommentti #{n}.',
  '> Kaupunki esittelee luonnoksen torstaina.\n\nKoska luonnos julkaistaan verkossa? Kaikki eivät pääse paikan päälle. Lisätietoa: https://pihlajalahti.example/rantapuisto ({n})',
  'Kävin eilen puistossa lasten kanssa. Uimarannan laituri on *huonossa kunnossa*, yksi lauta puuttuu kokonaan. Voisiko sen korjata jo ennen kesää? #{n}',
  '## Ehdotus\n\n1. Säilytetään vanhat tammet\n2. Rakennetaan esteetön reitti rantaan\n3. Lisätään pyöräpysäkki pääportin viereen\n\nMitä mieltä muut ovat? ({n})',
  'Jag håller med. Parken behöver fler bänkar och bättre belysning, men de gamla träden måste bevaras. Kommentar {n}.',
  'The draft looks good overall, but the plan does not say how the **shore meadow** will be protected during construction. Could the city clarify? ({n})',
  'Muistutan, että alueella pesii keväisin lintuja. Työt kannattaa ajoittaa elokuulle.\n\nLähde: [lintuyhdistyksen selvitys](https://lintuyhdistys.example/selvitys) #{n}',
  'Kiitos vastauksesta! Tämä selventää asiaa. `{n}`',
  'Koirapuisto olisi hyvä sijoittaa kauemmas leikkipaikasta. Nykyinen sijainti aiheuttaa ristiriitoja etenkin iltaisin, kun molemmissa on paljon käyttäjiä. Ehdotan paikaksi vanhan pallokentän laitaa, jossa on jo valmiiksi aita kolmella sivulla. (#{n})',
  '| Kohde | Arvio |\n| --- | ---: |\n| Leikkipaikka | 120 000 € |\n| Polut | 85 000 € |\n| Valaistus | 40 000 € |\n\nOvatko nämä arviot ajan tasalla? ({n})',
  'Osallistun etänä. Toivottavasti tallenne tulee jälkikäteen katsottavaksi, koska työvuoroni alkaa kesken tilaisuuden. {n}',
];

/**
 * Fills the demo town's public forum in bulk: one thread of `postCount` posts (Markdown rendered
 * once per template with the app's own renderer), reactions from many residents, and `meetingCount`
 * online meetings spread over past and future. Runs in one transaction, then VACUUM ANALYZE.
 */
export async function seedBenchData(sql: Sql, opts: { postCount: number; meetingCount: number }): Promise<Seeded> {
  const markdown = bodies;
  const html = bodies.map((body) => renderMarkdown(body));
  for (const [i, rendered] of html.entries()) {
    if (!rendered.includes('{n}')) throw new Error(`Bench body ${i} lost its {n} placeholder in rendering: ${rendered}`);
  }

  const seeded = await sql.begin(async (tx) => {
    const [space] = await tx<{ id: string }[]>`select id from spaces where slug = ${BENCH_SPACE}`;
    if (!space) throw new Error(`The demo town has no space ${BENCH_SPACE}`);
    const [resident] = await tx<{ id: string }[]>`select id from users where email_key = ${RESIDENT_EMAIL}`;
    if (!resident) throw new Error(`The demo town has no ${RESIDENT_EMAIL}`);

    // A crowd of residents who write and react; their password hash matches no password.
    await tx`
      insert into users (email, email_key, display_name, password_hash, created_at)
      select 'penkki' || i || '@pihlajalahti.example', 'penkki' || i || '@pihlajalahti.example',
             (array['Aino','Eero','Helmi','Ilkka','Kerttu','Lauri','Mirja','Olli','Riikka','Tapio'])[1 + i % 10] || ' ' ||
             (array['Virtanen','Korhonen','Mäkinen','Nieminen','Lehtonen','Heikkinen','Laine','Koskinen'])[1 + (i / 10) % 8] || ' ' || i,
             '!', now() - interval '400 days'
      from generate_series(1, 300) i`;

    const [thread] = await tx<{ id: string }[]>`
      insert into threads (space_id, author_id, title, created_at, last_post_at, post_count)
      values (${space.id}, ${resident.id}, 'Rantapuiston kunnostus: kommentit ja ideat',
              now() - interval '180 days', now(), ${opts.postCount})
      returning id`;
    const threadId = thread!.id;

    // Posts every ~25 minutes over the last half year; identity `seq` follows the `order by i`.
    // Some are edited, a few hidden by a moderator.
    await tx`
      with authors as (select array_agg(id order by email_key) as ids from users),
           templates as (select ${markdown}::text[] as md, ${html}::text[] as html)
      insert into posts (thread_id, author_id, body_markdown, body_html, created_at, edited_at, hidden_at, hidden_reason)
      select ${threadId}, a.ids[1 + (i * 7919) % cardinality(a.ids)],
             replace(t.md[1 + (i * 31) % cardinality(t.md)], '{n}', i::text),
             replace(t.html[1 + (i * 31) % cardinality(t.html)], '{n}', i::text),
             now() - interval '180 days' + i * (interval '180 days' / ${opts.postCount}),
             case when i % 37 = 0 then now() - interval '180 days' + i * (interval '180 days' / ${opts.postCount}) + interval '10 minutes' end,
             case when i % 401 = 0 then now() - interval '180 days' + i * (interval '180 days' / ${opts.postCount}) + interval '2 hours' end,
             case when i % 401 = 0 then 'Asiaton kielenkäyttö' end
      from generate_series(1, ${opts.postCount}) i, authors a, templates t
      order by i`;
    await tx`update threads set last_post_at = (select max(created_at) from posts where thread_id = ${threadId}) where id = ${threadId}`;

    // 0–6 reactions a post from the crowd, and the signed-in resident's own on every tenth post.
    await tx`
      with authors as (select array_agg(id order by email_key) as ids from users),
           numbered as (select id, created_at, row_number() over (order by seq) as n from posts where thread_id = ${threadId})
      insert into post_reactions (post_id, user_id, kind, created_at)
      select p.id, a.ids[1 + (p.n * 13 + j * 37) % cardinality(a.ids)],
             (array['like','agree','insightful','thanks'])[1 + (p.n + j) % 4], p.created_at + interval '1 hour'
      from numbered p, authors a, generate_series(1, (p.n * 7) % 5 + p.n % 3) j
      on conflict do nothing`;
    await tx`
      insert into post_reactions (post_id, user_id, kind)
      select id, ${resident.id}, 'agree' from posts where thread_id = ${threadId} and seq % 10 = 0
      on conflict do nothing`;

    // Online meetings about every 13 hours, about 60 % of them in the past: past ones mostly ended,
    // some never run through Aukio (still scheduled), some cancelled.
    await tx`
      with slots as (
        select i, date_trunc('hour', now()) + (i - ${Math.round(opts.meetingCount * 0.6)}) * interval '13 hours' as starts_at
        from generate_series(0, ${opts.meetingCount - 1}) i)
      insert into meetings (space_id, title, description, starts_at, ends_at, mode, state, place, cancel_reason, created_at, updated_at)
      select ${space.id},
             jsonb_build_object('fi', 'Ympäristöilta ' || i, 'sv', 'Miljökväll ' || i, 'en', 'Environment evening ' || i),
             jsonb_build_object(
               'fi', 'Keskustellaan Pihlajalahden puistoista, rannoista ja ilmastotyöstä. Tilaisuus ' || i || ' pidetään verkossa.',
               'sv', 'Vi diskuterar Pihlajalahtis parker, stränder och klimatarbete. Evenemang ' || i || ' hålls på nätet.',
               'en', 'We discuss Pihlajalahti''s parks, shores and climate work. Event ' || i || ' is held online.'),
             starts_at, starts_at + interval '2 hours',
             case when i % 5 = 0 then 'broadcast' else 'meeting' end,
             state, 'online', case when state = 'cancelled' then 'Puhuja sairastui' end,
             starts_at - interval '30 days', starts_at - interval '30 days'
      from (select i, starts_at,
                   case when i % 23 = 0 then 'cancelled'
                        when starts_at + interval '2 hours' <= now() and i % 7 <> 0 then 'ended'
                        else 'scheduled' end as state
            from slots) s`;

    const [counts] = await tx<{ posts: number; reactions: number; meetings: number; upcoming: number }[]>`
      select (select count(*)::int from posts where thread_id = ${threadId}) as posts,
             (select count(*)::int from post_reactions r join posts p on p.id = r.post_id where p.thread_id = ${threadId}) as reactions,
             (select count(*)::int from meetings where space_id = ${space.id}) as meetings,
             (select count(*)::int from meetings m
               where space_id = ${space.id} and (m.state = 'live' or (m.state <> 'ended' and m.ends_at > now()))) as upcoming`;
    return { threadId, posts: counts!.posts, reactions: counts!.reactions, meetings: counts!.meetings, upcomingMeetings: counts!.upcoming };
  });
  // Statistics and a visibility map (index-only scans), as autovacuum keeps them on a live database.
  await sql`vacuum analyze`;
  return seeded;
}

/** The `seq` of the thread's `n`th post (1-based): the keyset cursor of the page that follows it. */
export async function seqOfPost(sql: Sql, threadId: string, n: number): Promise<string> {
  const [row] = await sql<{ seq: string }[]>`
    select p.seq::text as seq from posts p where p.thread_id = ${threadId} order by p.seq offset ${n - 1} limit 1`;
  if (!row) throw new Error(`The thread has no post #${n}`);
  return row.seq;
}
