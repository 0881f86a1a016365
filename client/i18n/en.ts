/**
 * Source dictionary. Every visible string of the client lives here; fi.ts and sv.ts must
 * have exactly the same keys (the type checker enforces it). Keys are flat and namespaced
 * by where they are used: `app.*`, `nav.*`, `home.*`, `signin.*` ... `{name}` placeholders
 * are filled in by `t(key, { name })`.
 */
export const en = {
  'app.name': 'Aukio',
  'app.documentTitle': '{page} – Aukio',
  'app.tagline': 'The town square for residents to take part',

  'skip.toMain': 'Skip to main content',

  'nav.label': 'Main menu',
  'nav.home': 'Home',
  'nav.sessions': 'Signed-in devices',

  'lang.label': 'Language',

  'auth.signIn': 'Sign in',
  'auth.signUp': 'Create account',
  'auth.signOut': 'Sign out',
  'auth.signingOut': 'Signing out…',
  'auth.signedInAs': 'Signed in as {name}',

  'footer.text': 'Aukio is where the town’s residents, associations and staff meet: forums, resident juries and town-hall meetings, on site and online.',

  'common.loading': 'Loading…',

  'error.network': 'Could not reach the server. Check your connection and try again.',
  'error.server': 'Something went wrong on the server. Please try again later.',

  'form.errorSummary': 'Please correct the errors below.',

  'field.email': 'Email address',
  'field.password': 'Password',
  'field.displayName': 'Name shown to others',

  'validation.emailRequired': 'Enter your email address.',
  'validation.emailInvalid': 'Enter an email address in the form name@example.fi.',
  'validation.passwordRequired': 'Enter your password.',
  'validation.passwordTooShort': 'The password must be at least {min} characters long.',
  'validation.displayNameRequired': 'Enter the name shown to others.',

  'home.title': 'Welcome to Aukio',
  'home.intro': 'Take part in the town’s forums, resident juries and town-hall meetings – in the hall or from home.',
  'home.spaces.title': 'Where you can take part',
  'home.group.forum': 'Forums',
  'home.group.jury': 'Resident juries',
  'home.group.townhall': 'Town-hall meetings',
  'home.group.empty': 'Nothing here yet.',

  'meetings.upcoming': 'Upcoming meetings',
  'meetings.empty': 'No upcoming meetings.',
  'meeting.time': 'Time',
  'meeting.space': 'Organised by',
  'meeting.mode': 'Format',
  'meeting.mode.meeting': 'Meeting – everyone may speak',
  'meeting.mode.broadcast': 'Webcast with questions',
  'meeting.state.scheduled': 'Scheduled',
  'meeting.state.live': 'Live now',
  'meeting.state.ended': 'Ended',
  'meeting.state.cancelled': 'Cancelled',

  'space.kind': 'Type',
  'space.kind.forum': 'Forum',
  'space.kind.jury': 'Resident jury',
  'space.kind.townhall': 'Town-hall meeting',
  'space.visibility': 'Visibility',
  'space.visibility.public': 'Public',
  'space.visibility.members': 'Members only',
  'space.meetings': 'Upcoming meetings of this space',

  'signin.title': 'Sign in',
  'signin.submit': 'Sign in',
  'signin.pending': 'Signing in…',
  'signin.noAccount': 'No account yet?',

  'signup.title': 'Create an account',
  'signup.submit': 'Create account',
  'signup.pending': 'Creating account…',
  'signup.haveAccount': 'Already have an account?',
  'signup.displayNameHint': 'Shown with your questions and messages.',
  'signup.passwordHint': 'At least {min} characters.',

  'sessions.title': 'Signed-in devices',
  'sessions.intro': 'You are signed in to Aukio on these devices and browsers. Sign out any that you do not recognise.',
  'sessions.needSignIn': 'Sign in to see the devices where you are signed in.',
  'sessions.empty': 'You are not signed in on any device.',
  'sessions.thisDevice': 'This device',
  'sessions.browser': 'Browser',
  'sessions.unknownBrowser': 'Unknown browser',
  'sessions.created': 'Signed in',
  'sessions.expires': 'Valid until',
  'sessions.revoke': 'Sign out',
  'sessions.revokeContext': 'the device signed in {created}',
  'sessions.revoking': 'Signing out…',
  'sessions.revoked': 'The device was signed out.',

  'notFound.title': 'Page not found',
  'notFound.text': 'The page you were looking for does not exist or has been moved.',
  'notFound.home': 'Go to the home page',
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
