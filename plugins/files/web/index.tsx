import { lazyPage, type WebPlugin } from '#web-sdk';
import { IncomingFileShare } from './incoming-file-share.tsx';
import './files.css';

/** The files plugin's web part: the Files page (loaded on first visit) and its shares in the inbox. */
export const filesWebPlugin: WebPlugin = {
  id: 'files',
  title: 'Files',
  route: 'files',
  Page: lazyPage(() => import('./files-page.tsx').then((m) => m.FilesPage)),
  incomingShareRenderers: { file: IncomingFileShare, folder: IncomingFileShare },
  resourceLabels: { file: 'File', folder: 'Folder' },
};
