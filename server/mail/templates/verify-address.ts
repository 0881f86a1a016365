import type { Lang } from '../language.ts';
import { hours, type MailTemplate } from '../template.ts';

const words = {
  fi: {
    subject: 'Vahvista sähköpostiosoitteesi Aukioon',
    hello: 'Hei,',
    asked: 'joku (toivottavasti sinä) loi Aukioon tilin tällä sähköpostiosoitteella. Vahvista osoite, niin tili otetaan käyttöön ja olet kirjautunut sisään.',
    action: 'Vahvista osoitteeni',
    valid: (duration: string) => `Linkin voimassaoloaika on ${duration}, ja se toimii kerran.`,
    notYou: 'Jos et luonut tiliä, voit jättää tämän viestin huomiotta: tiliä ei luoda ilman vahvistusta.',
  },
  sv: {
    subject: 'Bekräfta din e-postadress för Aukio',
    hello: 'Hej,',
    asked: 'någon (förhoppningsvis du) skapade ett konto i Aukio med den här e-postadressen. Bekräfta adressen så tas kontot i bruk och du är inloggad.',
    action: 'Bekräfta min adress',
    valid: (duration: string) => `Länken gäller i ${duration} och fungerar en gång.`,
    notYou: 'Om du inte skapade något konto kan du strunta i det här meddelandet: inget konto skapas utan bekräftelsen.',
  },
  en: {
    subject: 'Confirm your email address for Aukio',
    hello: 'Hello,',
    asked: 'someone (hopefully you) created an Aukio account with this email address. Confirm the address to start using the account; you will be signed in.',
    action: 'Confirm my address',
    valid: (duration: string) => `The link is valid for ${duration} and works once.`,
    notYou: 'If you did not create an account, you can ignore this mail: no account is made without the confirmation.',
  },
} satisfies Record<Lang, unknown>;

/**
 * The link that completes a sign-up. It greets nobody by name: the name was typed by whoever
 * signed up, who need not own the address, and must not become their text in a stranger's inbox.
 */
export const verifyAddressMail: MailTemplate<{ token: string; validHours: number }> = {
  kind: 'verify-address',
  list: null,
  perAddressPerHour: 5,
  content(lang, { token, validHours }, links) {
    const w = words[lang];
    return {
      subject: w.subject,
      intro: [w.hello, w.asked],
      actions: [{ label: w.action, url: links.page('/verify', { token }) }],
      outro: [w.valid(hours(lang, validHours)), w.notYou],
    };
  },
};
