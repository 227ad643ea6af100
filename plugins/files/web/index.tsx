import type { WebPlugin } from '#web-sdk';
import { FilesPage } from './files-page.tsx';
import { IncomingFileShare } from './incoming-file-share.tsx';
import './files.css';

/** The files plugin's web part: the Files page (WebDAV browser) and its shares in the inbox. */
export const filesWebPlugin: WebPlugin = {
  id: 'files',
  title: 'Files',
  route: 'files',
  Page: FilesPage,
  incomingShareRenderers: { file: IncomingFileShare, folder: IncomingFileShare },
  resourceLabels: { file: 'File', folder: 'Folder' },
};
