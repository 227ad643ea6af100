import { useEffect, useRef } from 'preact/hooks';
import { FileIcon } from './file-icons.tsx';
import { treeFromInput, type UploadTree } from './folder-upload.ts';

/** The page's tools: upload files, upload a folder, new folder, and the search field. */
export function FilesToolbar(props: {
  writable: boolean;
  query: string;
  onQuery: (q: string) => void;
  onUpload: (tree: UploadTree) => void;
  onNewFolder: () => void;
}) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not a standard attribute in JSX typings; every current browser supports it.
    if (folder.current) folder.current.webkitdirectory = true;
  }, []);
  const picked = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const tree = treeFromInput(input.files ?? []);
    input.value = '';
    if (tree.files.length) props.onUpload(tree);
  };
  return (
    <div class="files-toolbar">
      <input
        ref={files}
        type="file"
        multiple
        hidden
        aria-label="Choose files to upload"
        data-testid="upload-input"
        onChange={picked}
      />
      <input
        ref={folder}
        type="file"
        hidden
        aria-label="Choose a folder to upload"
        data-testid="upload-folder-input"
        onChange={picked}
      />
      <label class="files-search">
        <span class="visually-hidden">Search files</span>
        <FileIcon name="search" size={16} />
        <input
          type="search"
          placeholder="Search files"
          value={props.query}
          onInput={(e) => props.onQuery(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && props.onQuery('')}
        />
      </label>
      <div class="files-buttons">
        <button type="button" class="btn btn-primary" disabled={!props.writable} onClick={() => files.current?.click()}>
          Upload files
        </button>
        <button type="button" class="btn" disabled={!props.writable} onClick={() => folder.current?.click()}>
          Upload folder
        </button>
        <button type="button" class="btn" disabled={!props.writable} onClick={props.onNewFolder}>
          New folder
        </button>
      </div>
    </div>
  );
}
