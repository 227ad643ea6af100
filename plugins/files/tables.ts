/** The files plugin's tables (created in migrations.ts), by name: `ctx.db` is a `Kysely<FilesTables>`. */
export interface FilesTables {
  /** Dead WebDAV properties per tree path. */
  files_props: { owner_id: string; path: string; name: string; value: string };
  /** Where each outgoing share's resource lives in its owner's tree, and which file-system object it is. */
  files_share_roots: {
    provider_id: string;
    owner_id: string;
    path: string;
    kind: string;
    file_id: string | null;
    next_file_id: string | null;
  };
  /** WebDAV locks of every tree. */
  files_locks: {
    token: string;
    space: string;
    path: string;
    depth: string;
    scope: string;
    owner_xml: string;
    principal: string;
    timeout_seconds: number;
    expires_at: number;
  };
}
