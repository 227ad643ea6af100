/** `#/addressbook/people`: the Federated contacts book, with adding people and invites (where invite links lead). */
export const PEOPLE_SEGMENT = 'people';
