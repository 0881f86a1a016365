import type { Lang } from '../language.ts';
import { hours, type MailTemplate } from '../template.ts';

const words = {
  fi: {
    subject: 'Valitse uusi salasana Aukioon',
    hello: (name: string) => `Hei ${name},`,
    asked: 'joku (toivottavasti sinä) pyysi saada valita uuden salasanan Aukio-tilillesi.',
    action: 'Valitse uusi salasana',
    valid: (duration: string) => `Linkin voimassaoloaika on ${duration}, ja se toimii kerran. Uuden salasanan valitseminen kirjaa tilisi ulos kaikilla laitteilla.`,
    notYou: 'Jos et pyytänyt tätä, voit jättää viestin huomiotta: salasanasi pysyy ennallaan.',
  },
  sv: {
    subject: 'Välj ett nytt lösenord för Aukio',
    hello: (name: string) => `Hej ${name},`,
    asked: 'någon (förhoppningsvis du) bad om att få välja ett nytt lösenord för ditt Aukio-konto.',
    action: 'Välj ett nytt lösenord',
    valid: (duration: string) => `Länken gäller i ${duration} och fungerar en gång. När du väljer ett nytt lösenord loggas ditt konto ut på alla enheter.`,
    notYou: 'Om du inte bad om detta kan du strunta i meddelandet: ditt lösenord förblir som det är.',
  },
  en: {
    subject: 'Choose a new password for Aukio',
    hello: (name: string) => `Hello ${name},`,
    asked: 'someone (hopefully you) asked to choose a new password for your Aukio account.',
    action: 'Choose a new password',
    valid: (duration: string) => `The link is valid for ${duration} and works once. Choosing a new password signs your account out on every device.`,
    notYou: 'If you did not ask for this, you can ignore this mail: your password stays as it is.',
  },
} satisfies Record<Lang, unknown>;

export const passwordResetMail: MailTemplate<{ displayName: string; token: string; validHours: number }> = {
  kind: 'password-reset',
  list: null,
  perAddressPerHour: 3,
  content(lang, { displayName, token, validHours }, links) {
    const w = words[lang];
    return {
      subject: w.subject,
      intro: [w.hello(displayName), w.asked],
      actions: [{ label: w.action, url: links.page('/reset-password', { token }) }],
      outro: [w.valid(hours(lang, validHours)), w.notYou],
    };
  },
};
