import { area } from './area.ts';

/** Strings of the pages an account's mails lead to: the address check, a forgotten password, unsubscribing. */
export const accountStrings = area({
  en: {
    'signup.checkMailTitle': 'Check your mail',
    'signup.checkMail': 'We sent a message to {email}. Follow the link in it to confirm your address: your account is ready to use once you have.',
    'signup.checkMailHint': 'The link is valid for 24 hours. If you already have an account with this address, the message tells you how to sign in instead. No message within a few minutes? Look in your spam folder, or sign up again.',

    'verify.title': 'Confirm your email address',
    'verify.intro': 'Confirm the address to start using your new account. You will be signed in.',
    'verify.submit': 'Confirm my address',
    'verify.pending': 'Confirming…',
    'verify.done': 'Your address is confirmed and you are signed in. Welcome to Aukio!',
    'verify.toHome': 'Go to the front page',
    'verify.noToken': 'This address has no confirmation link in it. Open the link from the message we sent you, whole.',
    'verify.again': 'Create an account again',

    'signin.forgotPassword': 'Forgot your password?',

    'forgot.title': 'Forgot your password?',
    'forgot.intro': 'Give the email address of your account and we will send you a link for choosing a new password.',
    'forgot.submit': 'Send the link',
    'forgot.pending': 'Sending…',
    'forgot.done': 'If {email} has an Aukio account, a link for choosing a new password is on its way. The link is valid for one hour.',
    'forgot.backToSignIn': 'Back to signing in',

    'reset.title': 'Choose a new password',
    'reset.intro': 'Choosing a new password signs your account out on every device.',
    'reset.password': 'New password',
    'reset.submit': 'Save the new password',
    'reset.pending': 'Saving…',
    'reset.done': 'Your password is changed, and your account was signed out on every device. Sign in with the new password.',
    'reset.noToken': 'This address has no link for choosing a password in it. Open the link from the message we sent you, whole.',
    'reset.askAgain': 'Ask for a new link',

    'unsubscribe.title': 'Unsubscribe',
    'unsubscribe.intro': 'Stop these mails from Aukio? Mails about your account’s security still come.',
    'unsubscribe.submit': 'Unsubscribe',
    'unsubscribe.pending': 'Unsubscribing…',
    'unsubscribe.done': 'Done: you will no longer get these mails.',
    'unsubscribe.noToken': 'This address has no unsubscribe link in it. Open the link from the mail, whole.',

    'error.code.invalid_token': 'This link is not valid. Check that the whole link was copied from the message.',
    'error.code.token_used': 'This link has already been used.',
    'error.code.token_expired': 'This link has expired. Ask for a new one.',
  },
  fi: {
    'signup.checkMailTitle': 'Katso sähköpostisi',
    'signup.checkMail': 'Lähetimme viestin osoitteeseen {email}. Vahvista osoitteesi viestin linkistä: sen jälkeen tilisi on käytettävissä.',
    'signup.checkMailHint': 'Linkki on voimassa 24 tuntia. Jos sinulla on jo tili tällä osoitteella, viesti kertoo, miten pääset kirjautumaan. Eikö viestiä tullut muutamassa minuutissa? Katso roskapostikansio tai luo tili uudelleen.',

    'verify.title': 'Vahvista sähköpostiosoitteesi',
    'verify.intro': 'Vahvista osoite, niin voit alkaa käyttää uutta tiliäsi. Sinut kirjataan sisään.',
    'verify.submit': 'Vahvista osoitteeni',
    'verify.pending': 'Vahvistetaan…',
    'verify.done': 'Osoitteesi on vahvistettu, ja olet kirjautunut sisään. Tervetuloa Aukioon!',
    'verify.toHome': 'Etusivulle',
    'verify.noToken': 'Tässä osoitteessa ei ole vahvistuslinkkiä. Avaa lähettämämme viestin linkki kokonaisena.',
    'verify.again': 'Luo tili uudelleen',

    'signin.forgotPassword': 'Unohditko salasanasi?',

    'forgot.title': 'Unohditko salasanasi?',
    'forgot.intro': 'Anna tilisi sähköpostiosoite, niin lähetämme linkin, josta voit valita uuden salasanan.',
    'forgot.submit': 'Lähetä linkki',
    'forgot.pending': 'Lähetetään…',
    'forgot.done': 'Jos osoitteella {email} on Aukio-tili, linkki uuden salasanan valitsemiseen on matkalla. Linkki on voimassa tunnin.',
    'forgot.backToSignIn': 'Takaisin kirjautumiseen',

    'reset.title': 'Valitse uusi salasana',
    'reset.intro': 'Uuden salasanan valitseminen kirjaa tilisi ulos kaikilla laitteilla.',
    'reset.password': 'Uusi salasana',
    'reset.submit': 'Tallenna uusi salasana',
    'reset.pending': 'Tallennetaan…',
    'reset.done': 'Salasanasi on vaihdettu, ja tilisi kirjattiin ulos kaikilla laitteilla. Kirjaudu sisään uudella salasanalla.',
    'reset.noToken': 'Tässä osoitteessa ei ole salasanalinkkiä. Avaa lähettämämme viestin linkki kokonaisena.',
    'reset.askAgain': 'Pyydä uusi linkki',

    'unsubscribe.title': 'Peru tilaus',
    'unsubscribe.intro': 'Lopetetaanko nämä viestit Aukiosta? Tilisi turvallisuutta koskevat viestit tulevat silti.',
    'unsubscribe.submit': 'Peru tilaus',
    'unsubscribe.pending': 'Perutaan…',
    'unsubscribe.done': 'Valmis: et saa enää näitä viestejä.',
    'unsubscribe.noToken': 'Tässä osoitteessa ei ole peruutuslinkkiä. Avaa viestin linkki kokonaisena.',

    'error.code.invalid_token': 'Linkki ei kelpaa. Tarkista, että koko linkki kopioitui viestistä.',
    'error.code.token_used': 'Tämä linkki on jo käytetty.',
    'error.code.token_expired': 'Tämä linkki on vanhentunut. Pyydä uusi.',
  },
  sv: {
    'signup.checkMailTitle': 'Titta i din e-post',
    'signup.checkMail': 'Vi skickade ett meddelande till {email}. Bekräfta din adress med länken i det: sedan kan du använda ditt konto.',
    'signup.checkMailHint': 'Länken gäller i 24 timmar. Om du redan har ett konto med den här adressen berättar meddelandet hur du loggar in i stället. Kom inget meddelande inom några minuter? Titta i skräppostmappen eller skapa kontot på nytt.',

    'verify.title': 'Bekräfta din e-postadress',
    'verify.intro': 'Bekräfta adressen för att börja använda ditt nya konto. Du loggas in.',
    'verify.submit': 'Bekräfta min adress',
    'verify.pending': 'Bekräftar…',
    'verify.done': 'Din adress är bekräftad och du är inloggad. Välkommen till Aukio!',
    'verify.toHome': 'Till startsidan',
    'verify.noToken': 'Den här adressen innehåller ingen bekräftelselänk. Öppna länken i meddelandet vi skickade, i sin helhet.',
    'verify.again': 'Skapa ett konto på nytt',

    'signin.forgotPassword': 'Glömt lösenordet?',

    'forgot.title': 'Glömt lösenordet?',
    'forgot.intro': 'Ange ditt kontos e-postadress så skickar vi en länk där du kan välja ett nytt lösenord.',
    'forgot.submit': 'Skicka länken',
    'forgot.pending': 'Skickar…',
    'forgot.done': 'Om {email} har ett Aukio-konto är en länk för att välja ett nytt lösenord på väg. Länken gäller i en timme.',
    'forgot.backToSignIn': 'Tillbaka till inloggningen',

    'reset.title': 'Välj ett nytt lösenord',
    'reset.intro': 'När du väljer ett nytt lösenord loggas ditt konto ut på alla enheter.',
    'reset.password': 'Nytt lösenord',
    'reset.submit': 'Spara det nya lösenordet',
    'reset.pending': 'Sparar…',
    'reset.done': 'Ditt lösenord är bytt och ditt konto loggades ut på alla enheter. Logga in med det nya lösenordet.',
    'reset.noToken': 'Den här adressen innehåller ingen lösenordslänk. Öppna länken i meddelandet vi skickade, i sin helhet.',
    'reset.askAgain': 'Be om en ny länk',

    'unsubscribe.title': 'Avsluta prenumerationen',
    'unsubscribe.intro': 'Sluta skicka de här meddelandena från Aukio? Meddelanden om ditt kontos säkerhet kommer ändå.',
    'unsubscribe.submit': 'Avsluta prenumerationen',
    'unsubscribe.pending': 'Avslutar…',
    'unsubscribe.done': 'Klart: du får inte längre de här meddelandena.',
    'unsubscribe.noToken': 'Den här adressen innehåller ingen avregistreringslänk. Öppna länken i meddelandet i sin helhet.',

    'error.code.invalid_token': 'Länken är ogiltig. Kontrollera att hela länken kopierades från meddelandet.',
    'error.code.token_used': 'Den här länken har redan använts.',
    'error.code.token_expired': 'Den här länken har gått ut. Be om en ny.',
  },
});
