/**
 * Wire types of the contacts plugin's web API (`/api/v1/contacts`), shared by the server, the web UI and the tests.
 * Browser-safe: types only.
 */

/** A typed value (e-mail, phone). */
export interface Typed {
  type: string;
  value: string;
}

/** A postal address. */
export interface Address {
  type: string;
  street: string;
  city: string;
  region: string;
  postcode: string;
  country: string;
}

/** The fields the editor shows and sends. */
export interface CardFields {
  /** Formatted name (FN). */
  name: string;
  givenName: string;
  familyName: string;
  org: string;
  title: string;
  emails: Typed[];
  phones: Typed[];
  addresses: Address[];
  /** `YYYY-MM-DD` or `--MM-DD`, or ''. */
  birthday: string;
  note: string;
  /** OCM address (CLOUD). */
  cloud: string;
  /** The photo as a `data:` URI, an http(s) URL, or null. */
  photo: string | null;
}

/** A card in a list. */
export interface CardSummary {
  id: string;
  name: string;
  org: string;
  emails: string[];
  phones: string[];
  cloud: string;
  hasPhoto: boolean;
}
