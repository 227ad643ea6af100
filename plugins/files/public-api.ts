/**
 * What the files plugin publishes (`ctx.provide`) for plugins that declare `dependsOn: ['files']` and take it with
 * `ctx.use<FilesApi>('files')`. The one file of this plugin other plugins may import; types only.
 */

/** A file stored in a user's tree. */
export interface StoredFile {
  /** Its path in the owner's tree, e.g. `/Chat attachments/Team/photo.png`. */
  path: string;
  /** Its name (the asked name, with a ` (2)` suffix when that name was taken). */
  name: string;
  size: number;
  mime: string;
}

/** The files plugin's published API: a minimal set of writes on a local user's own tree. */
export interface FilesApi {
  /** Creates a folder path (and its parents) in the user's tree if missing; returns the normalised path. */
  ensureFolder(userId: string, folderPath: string): Promise<string>;
  /** Stores a new file in an existing folder of the user's tree; never overwrites (a taken name gets a suffix). */
  putFile(userId: string, folderPath: string, name: string, body: Buffer): Promise<StoredFile>;
  /**
   * Shares a folder of the user's tree read-only with an address (local id or `user@server`), once: an existing live
   * share of the folder with that address is returned instead of a new one. `name` is the share's name (what the
   * recipient sees under `Shared with me/`). Returns the share's id.
   */
  shareFolderReadOnly(userId: string, folderPath: string, shareWith: string, name?: string): Promise<string>;
  /**
   * Ends the user's live shares of a folder with everyone not in `keep` (addresses `user@server`, or local ids);
   * returns how many were ended. Their recipients lose access at once.
   */
  unshareFolderExcept(userId: string, folderPath: string, keep: readonly string[]): Promise<number>;
}
