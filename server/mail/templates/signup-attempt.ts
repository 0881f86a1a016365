import type { Lang } from '../language.ts';
import type { MailTemplate } from '../template.ts';

const words = {
  fi: {
    subject: 'Joku yritti luoda Aukio-tilin osoitteellasi',
    hello: (name: string) => `Hei ${name},`,
    what: 'joku yritti luoda Aukioon uuden tilin tällä sähköpostiosoitteella. Sinulla on jo tili, joten uutta ei luotu.',
    ifYou: 'Jos se olit sinä, kirjaudu sisään tililläsi tai valitse uusi salasana, jos olet unohtanut sen.',
    signIn: 'Kirjaudu sisään',
    reset: 'Valitse uusi salasana',
    notYou: 'Jos se et ollut sinä, sinun ei tarvitse tehdä mitään: tilisi ja salasanasi ovat ennallaan.',
  },
  sv: {
    subject: 'Någon försökte skapa ett Aukio-konto med din adress',
    hello: (name: string) => `Hej ${name},`,
    what: 'någon försökte skapa ett nytt konto i Aukio med den här e-postadressen. Du har redan ett konto, så inget nytt skapades.',
    ifYou: 'Om det var du kan du logga in med ditt konto, eller välja ett nytt lösenord om du har glömt det.',
    signIn: 'Logga in',
    reset: 'Välj ett nytt lösenord',
    notYou: 'Om det inte var du behöver du inte göra något: ditt konto och ditt lösenord är oförändrade.',
  },
  en: {
    subject: 'Someone tried to create an Aukio account with your address',
    hello: (name: string) => `Hello ${name},`,
    what: 'someone tried to create a new Aukio account with this email address. You already have an account, so no new one was made.',
    ifYou: 'If it was you, sign in with your account, or choose a new password if you have forgotten it.',
    signIn: 'Sign in',
    reset: 'Choose a new password',
    notYou: 'If it was not you, you need not do anything: your account and password are unchanged.',
  },
} satisfies Record<Lang, unknown>;

/** Sent instead of an address check when the address already has an account: sign-up answers alike either way. */
export const signupAttemptMail: MailTemplate<{ displayName: string }> = {
  kind: 'signup-attempt',
  list: null,
  perAddressPerHour: 3,
  content(lang, { displayName }, links) {
    const w = words[lang];
    return {
      subject: w.subject,
      intro: [w.hello(displayName), w.what, w.ifYou],
      actions: [
        { label: w.signIn, url: links.page('/signin') },
        { label: w.reset, url: links.page('/forgot-password') },
      ],
      outro: [w.notYou],
    };
  },
};
