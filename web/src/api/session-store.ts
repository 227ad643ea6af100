/** Keeps the session token across reloads (localStorage), per origin, so each server has its own login. */
const KEY = 'meshwork.session';

/** Reads the stored token, or null (also when storage is unavailable). */
export function loadToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Stores the token, or forgets it with null. */
export function saveToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // Private modes may refuse storage: the session then lasts as long as the page.
  }
}
