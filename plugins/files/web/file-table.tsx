import type { DavEntry } from './dav-multistatus.ts';
import { FileRow, type FileActions } from './file-row.tsx';
import { SHARED_FOLDER, isShared } from './files-paths.ts';

/** The listing of one folder as a table (name, size, modified, actions). */
export function FileTable(props: {
  entries: DavEntry[];
  route: string;
  actions: FileActions;
  folderWritable: boolean;
}) {
  return (
    <table class="file-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" class="file-size">
            Size
          </th>
          <th scope="col" class="file-modified">
            Modified
          </th>
          <th scope="col" class="file-actions">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((e) => {
          const virtual = e.path === `/${SHARED_FOLDER}`;
          // Items others shared with the user are theirs to share; the virtual folder itself is fixed.
          const canShare = !virtual && !isShared(e.path);
          const canWrite = !virtual && props.folderWritable && e.writable;
          return (
            <FileRow
              key={e.path}
              entry={e}
              route={props.route}
              actions={props.actions}
              canShare={canShare}
              canWrite={canWrite}
              virtual={virtual}
            />
          );
        })}
      </tbody>
    </table>
  );
}
