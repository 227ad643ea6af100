/** Isomorphic people-search types (no Node imports), shared by the server and the web app. */

/** Someone the user may share with, found by name, e-mail or address. */
export interface Person {
  /** Name to show (may be null when only an address is known). */
  displayName: string | null;
  /** OCM address (`id@host`) to share with, or null when the entry has only an e-mail. */
  address: string | null;
  email: string | null;
  /** Which provider found it: `contacts` (the core's federated contacts) or a plugin's id. */
  source: string;
}
