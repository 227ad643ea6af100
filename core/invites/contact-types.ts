/** Isomorphic contact types (no Node imports), shared by the server and the web app. */

/** A federated contact in a user's address book. */
export interface Contact {
  id: string;
  userId: string;
  address: string;
  host: string;
  displayName: string | null;
  email: string | null;
  source: 'invite' | 'share' | 'manual';
  createdAt: number;
}
