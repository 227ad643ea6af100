/**
 * The shapes a backend of stored members fills in for {@link MemberTable} (`member-table.ts`): its tables, columns,
 * row mapping and errors, the write conditions and change sets the table answers with, the strong ETag, and the
 * change mark for writes made beside the member rows (dead properties).
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { CollectionCounter } from './collection-counter.ts';

/** Strong ETag of stored bytes (128 bits of SHA-256, hex). */
export function etagOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Conditional-request checks done atomically with the write (RFC 7232 If-Match / If-None-Match). */
export interface WriteCondition {
  /** Unquoted ETag the current member must have, or `*` for "must exist". */
  ifMatch?: string;
  /** `*`: the member must not exist yet. */
  ifNoneMatch?: '*';
}

/** What changed since a sync token (RFC 6578). */
export interface ChangeSet<M> {
  /** The counter the answer is complete up to: the new sync token. */
  token: number;
  /** Members changed (present now) or deleted since the old token, each once. */
  changed: string[];
  deleted: string[];
  /** True when `limit` cut the list: fetch again from `token` for the rest (RFC 6578 §3.6). */
  truncated: boolean;
  /** An initial sync's listing: every member's metadata, read with the token (no second lookup by name). */
  listed?: M[];
}

/** The fields every stored member's metadata has. */
export interface MemberMeta {
  uri: string;
  etag: string;
}

/** A backend's tables, columns, row mapping and errors. */
export interface MemberTableSpec<M extends MemberMeta> {
  /** The collections' change counter (it names their table). */
  counter: CollectionCounter;
  /** The members' table. */
  members: string;
  /** The change log. */
  changes: string;
  /** The column naming the collection in both (`calendar_id`, `book_id`). */
  key: string;
  /** The columns {@link MemberTableSpec.toMeta} reads. */
  meta: readonly string[];
  toMeta(row: any): M;
  /** What the member and the collection are called in precondition messages ('object', 'calendar'). */
  noun: string;
  collectionNoun: string;
  /**
   * The dead properties' table (the toolkit's `TreeDeadPropertyStore` shape: `collection_id`, `member`, …), whose
   * member rows a rename carries to the new name.
   */
  props?: string;
  /** The 412 of a condition that did not hold. */
  preconditionFailed(message: string): Error;
  /** Another member of the collection has the UID (`no-uid-conflict`). */
  uidConflict(uid: string, existingUri: string): Error;
  /** A sync token the collection never issued (`null`: the collection is gone). */
  invalidToken(token: number | null): Error;
}

/** A member with its bytes. */
export type WithData<M> = M & { data: Buffer };

/**
 * Inside the caller's transaction: bumps the collection's counter and, for a member (not null), logs it as modified,
 * so caches keyed by the counter and sync clients see a change made beside the rows (dead properties: a
 * `TreePropTables.onChange`).
 */
export async function memberTouched(
  trx: Transaction<any>,
  spec: Pick<MemberTableSpec<MemberMeta>, 'counter' | 'changes' | 'key'>,
  collectionId: string,
  member: string | null,
): Promise<void> {
  const token = await spec.counter.bump(trx, collectionId, Date.now());
  if (member !== null)
    await trx
      .insertInto(spec.changes)
      .values({ [spec.key]: collectionId, sync_token: token, uri: member, op: 'modified' })
      .execute();
}

/** Names per `IN (…)` list: well under SQLite's and PostgreSQL's parameter limits. */
export const IN_CHUNK = 500;

/** The spec's 412 when `cond` does not hold for a member whose current ETag is `current` (null: none). */
export function failedCondition<M extends MemberMeta>(
  spec: MemberTableSpec<M>,
  current: string | null,
  cond: WriteCondition,
): Error | null {
  const noun = spec.noun;
  if (cond.ifNoneMatch === '*' && current !== null) return spec.preconditionFailed(`the ${noun} already exists`);
  if (cond.ifMatch === undefined) return null;
  if (current === null) return spec.preconditionFailed(`the ${noun} does not exist`);
  if (cond.ifMatch !== '*' && cond.ifMatch !== current) return spec.preconditionFailed('the ETag does not match');
  return null;
}
