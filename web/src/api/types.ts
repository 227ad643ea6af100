/** Wire types of the client API, taken from the core as types only (no server code in the bundle). */
import type {
  CreateShareInput,
  IncomingShareView,
  OutgoingShare,
  IncomingShareState,
  OutgoingShareState,
} from '../../../core/shares/share-types.ts';
import type { Contact } from '../../../core/invites/contact-types.ts';
import type { Person } from '../../../core/people/people-types.ts';
import type { ServerToClientEvents } from '../../../core/realtime/realtime-events.ts';
import type { UserSettings } from '../../../core/accounts/settings-types.ts';
import type { CreatedInvite, OutstandingInvite } from '../../../core/invites/invite-types.ts';

export type {
  CreateShareInput,
  IncomingShareView,
  OutgoingShare,
  IncomingShareState,
  OutgoingShareState,
  Contact,
  Person,
  ServerToClientEvents,
  UserSettings,
  CreatedInvite,
  OutstandingInvite,
};

/** The logged-in user as `GET /api/v1/me` returns it. */
export interface Me {
  id: string;
  displayName: string;
  email: string | null;
  /** The user's OCM address, `id@host`. */
  address: string;
  /** This server's OCM host (`host[:port]`). */
  server: string;
  /** Ids of the plugins this server runs (absent from servers before this field existed). */
  plugins?: string[];
}

/** `POST /api/v1/auth/login` answer. */
export interface LoginResult {
  token: string;
  user: Me;
}

/** One field-level problem in an error answer. */
export interface ValidationIssue {
  name: string;
  message: string;
}

/** The client API's error body: `{ code, message, validationErrors? }`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  validationErrors?: ValidationIssue[];
}
