import type { Dictionary } from './en.ts';

/** Finnish: the default language. Must have exactly the keys of en.ts. */
export const fi = {
  'app.name': 'Aukio',
  'app.documentTitle': '{page} – Aukio',
  'app.tagline': 'Kuntalaisten yhteinen paikka osallistua ja vaikuttaa',

  'skip.toMain': 'Siirry pääsisältöön',

  'nav.label': 'Päävalikko',
  'nav.home': 'Etusivu',
  'nav.sessions': 'Kirjautuneet laitteet',

  'lang.label': 'Kieli',

  'auth.signIn': 'Kirjaudu sisään',
  'auth.signUp': 'Luo tili',
  'auth.signOut': 'Kirjaudu ulos',
  'auth.signingOut': 'Kirjaudutaan ulos…',
  'auth.signedInAs': 'Kirjautuneena: {name}',

  'footer.text': 'Aukiossa kaupungin asukkaat, yhdistykset ja työntekijät kohtaavat: foorumit, asukasraadit ja kuntalaisfoorumit paikan päällä ja verkossa.',

  'common.loading': 'Ladataan…',

  'error.network': 'Palvelimeen ei saatu yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.',
  'error.server': 'Palvelimella tapahtui virhe. Yritä myöhemmin uudelleen.',

  'form.errorSummary': 'Korjaa alla olevat virheet.',

  'field.email': 'Sähköpostiosoite',
  'field.password': 'Salasana',
  'field.displayName': 'Muille näkyvä nimi',

  'validation.emailRequired': 'Anna sähköpostiosoitteesi.',
  'validation.emailInvalid': 'Anna sähköpostiosoite muodossa nimi@esimerkki.fi.',
  'validation.passwordRequired': 'Anna salasanasi.',
  'validation.passwordTooShort': 'Salasanan on oltava vähintään {min} merkkiä pitkä.',
  'validation.displayNameRequired': 'Anna muille näkyvä nimi.',

  'home.title': 'Tervetuloa Aukioon',
  'home.intro': 'Osallistu kaupungin foorumeihin, asukasraateihin ja kuntalaisfoorumeihin – salissa tai kotoa käsin.',
  'home.spaces.title': 'Missä voit osallistua',
  'home.group.forum': 'Foorumit',
  'home.group.jury': 'Asukasraadit',
  'home.group.townhall': 'Kuntalaisfoorumit',
  'home.group.empty': 'Täällä ei ole vielä mitään.',

  'meetings.upcoming': 'Tulevat tilaisuudet',
  'meetings.empty': 'Tulevia tilaisuuksia ei ole.',
  'meeting.time': 'Aika',
  'meeting.space': 'Järjestäjä',
  'meeting.mode': 'Muoto',
  'meeting.mode.meeting': 'Kokous – kaikki voivat puhua',
  'meeting.mode.broadcast': 'Verkkolähetys ja kysymykset',
  'meeting.state.scheduled': 'Tulossa',
  'meeting.state.live': 'Käynnissä nyt',
  'meeting.state.ended': 'Päättynyt',
  'meeting.state.cancelled': 'Peruttu',

  'space.kind': 'Tyyppi',
  'space.kind.forum': 'Foorumi',
  'space.kind.jury': 'Asukasraati',
  'space.kind.townhall': 'Kuntalaisfoorumi',
  'space.visibility': 'Näkyvyys',
  'space.visibility.public': 'Julkinen',
  'space.visibility.members': 'Vain jäsenille',
  'space.meetings': 'Tämän tilan tulevat tilaisuudet',

  'signin.title': 'Kirjaudu sisään',
  'signin.submit': 'Kirjaudu sisään',
  'signin.pending': 'Kirjaudutaan…',
  'signin.noAccount': 'Eikö sinulla ole vielä tiliä?',

  'signup.title': 'Luo tili',
  'signup.submit': 'Luo tili',
  'signup.pending': 'Luodaan tiliä…',
  'signup.haveAccount': 'Onko sinulla jo tili?',
  'signup.displayNameHint': 'Näkyy kysymystesi ja viestiesi yhteydessä.',
  'signup.passwordHint': 'Vähintään {min} merkkiä.',

  'sessions.title': 'Kirjautuneet laitteet',
  'sessions.intro': 'Olet kirjautuneena Aukioon näillä laitteilla ja selaimilla. Kirjaa ulos ne, joita et tunnista.',
  'sessions.needSignIn': 'Kirjaudu sisään, niin näet laitteet, joilla olet kirjautuneena.',
  'sessions.empty': 'Et ole kirjautuneena millään laitteella.',
  'sessions.thisDevice': 'Tämä laite',
  'sessions.browser': 'Selain',
  'sessions.unknownBrowser': 'Tuntematon selain',
  'sessions.created': 'Kirjautumisaika',
  'sessions.expires': 'Voimassa asti',
  'sessions.revoke': 'Kirjaa ulos',
  'sessions.revokeContext': 'laite, jolla kirjauduttiin {created}',
  'sessions.revoking': 'Kirjataan ulos…',
  'sessions.revoked': 'Laite kirjattiin ulos.',

  'notFound.title': 'Sivua ei löytynyt',
  'notFound.text': 'Etsimääsi sivua ei ole olemassa, tai se on siirretty.',
  'notFound.home': 'Siirry etusivulle',
} as const satisfies Dictionary;
