/** A meeting's shared notes: the document `meeting:<id>:notes`, its text in the fragment `notes`. */
export const notesDocumentName = (meetingId: string) => `meeting:${meetingId}:notes`;
export const NOTES_FRAGMENT = 'notes';
