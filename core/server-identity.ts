import { hostFromUrl } from './addresses.ts';
import type { ServerIdentity } from './plugin/plugin-types.ts';

/** This server's origin and host, known once it listens (port 0 decides the origin in tests). */
export class MutableIdentity implements ServerIdentity {
  origin = '';
  host = '';
  set(origin: string): void {
    this.origin = origin.replace(/\/+$/, '');
    this.host = hostFromUrl(this.origin);
  }
}
