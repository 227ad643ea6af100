/** Isomorphic user-settings types (no Node imports), shared by the server and the web app. */

/** A user's preferences, as `GET /api/v1/me/settings` returns them. */
export interface UserSettings {
  /**
   * Accept incoming shares on arrival, through the normal accept path, when they come from a user of this server
   * or from one of the user's contacts (invited or added by hand). Shares from anyone else still wait in the inbox.
   */
  autoAcceptShares: boolean;
}

/** What a user has before changing anything. */
export const DEFAULT_USER_SETTINGS: UserSettings = { autoAcceptShares: false };
