import type { Dictionary } from './en.ts';

/** Swedish (Finland-Swedish usage). Must have exactly the keys of en.ts. */
export const sv = {
  'app.name': 'Aukio',
  'app.documentTitle': '{page} – Aukio',
  'app.tagline': 'Invånarnas gemensamma plats för att delta och påverka',

  'skip.toMain': 'Hoppa till huvudinnehållet',

  'nav.label': 'Huvudmeny',
  'nav.home': 'Startsida',
  'nav.sessions': 'Inloggade enheter',

  'lang.label': 'Språk',

  'auth.signIn': 'Logga in',
  'auth.signUp': 'Skapa konto',
  'auth.signOut': 'Logga ut',
  'auth.signingOut': 'Loggar ut…',
  'auth.signedInAs': 'Inloggad som {name}',

  'footer.text': 'På Aukio möts stadens invånare, föreningar och personal: forum, invånarjuryer och invånarmöten, på plats och på nätet.',

  'common.loading': 'Laddar…',

  'error.network': 'Det gick inte att nå servern. Kontrollera nätverksanslutningen och försök igen.',
  'error.server': 'Något gick fel på servern. Försök igen senare.',

  'form.errorSummary': 'Rätta till felen nedan.',

  'field.email': 'E-postadress',
  'field.password': 'Lösenord',
  'field.displayName': 'Namn som visas för andra',

  'validation.emailRequired': 'Ange din e-postadress.',
  'validation.emailInvalid': 'Ange e-postadressen i formen namn@exempel.fi.',
  'validation.passwordRequired': 'Ange ditt lösenord.',
  'validation.passwordTooShort': 'Lösenordet måste vara minst {min} tecken långt.',
  'validation.displayNameRequired': 'Ange namnet som visas för andra.',

  'home.title': 'Välkommen till Aukio',
  'home.intro': 'Delta i stadens forum, invånarjuryer och invånarmöten – i salen eller hemifrån.',
  'home.spaces.title': 'Här kan du delta',
  'home.group.forum': 'Forum',
  'home.group.jury': 'Invånarjuryer',
  'home.group.townhall': 'Invånarmöten',
  'home.group.empty': 'Inget här ännu.',

  'meetings.upcoming': 'Kommande möten',
  'meetings.empty': 'Inga kommande möten.',
  'meeting.time': 'Tid',
  'meeting.space': 'Arrangör',
  'meeting.mode': 'Form',
  'meeting.mode.meeting': 'Möte – alla får ordet',
  'meeting.mode.broadcast': 'Webbsändning med frågor',
  'meeting.state.scheduled': 'Planerat',
  'meeting.state.live': 'Pågår nu',
  'meeting.state.ended': 'Avslutat',
  'meeting.state.cancelled': 'Inställt',

  'space.kind': 'Typ',
  'space.kind.forum': 'Forum',
  'space.kind.jury': 'Invånarjury',
  'space.kind.townhall': 'Invånarmöte',
  'space.visibility': 'Synlighet',
  'space.visibility.public': 'Offentlig',
  'space.visibility.members': 'Endast för medlemmar',
  'space.meetings': 'Kommande möten här',

  'signin.title': 'Logga in',
  'signin.submit': 'Logga in',
  'signin.pending': 'Loggar in…',
  'signin.noAccount': 'Har du inget konto ännu?',

  'signup.title': 'Skapa ett konto',
  'signup.submit': 'Skapa konto',
  'signup.pending': 'Skapar konto…',
  'signup.haveAccount': 'Har du redan ett konto?',
  'signup.displayNameHint': 'Visas tillsammans med dina frågor och meddelanden.',
  'signup.passwordHint': 'Minst {min} tecken.',

  'sessions.title': 'Inloggade enheter',
  'sessions.intro': 'Du är inloggad på Aukio på de här enheterna och webbläsarna. Logga ut dem som du inte känner igen.',
  'sessions.needSignIn': 'Logga in för att se enheterna där du är inloggad.',
  'sessions.empty': 'Du är inte inloggad på någon enhet.',
  'sessions.thisDevice': 'Den här enheten',
  'sessions.browser': 'Webbläsare',
  'sessions.unknownBrowser': 'Okänd webbläsare',
  'sessions.created': 'Inloggad',
  'sessions.expires': 'Giltig till',
  'sessions.revoke': 'Logga ut',
  'sessions.revokeContext': 'enheten som loggade in {created}',
  'sessions.revoking': 'Loggar ut…',
  'sessions.revoked': 'Enheten loggades ut.',

  'notFound.title': 'Sidan hittades inte',
  'notFound.text': 'Sidan du letade efter finns inte eller har flyttats.',
  'notFound.home': 'Gå till startsidan',
} as const satisfies Dictionary;
