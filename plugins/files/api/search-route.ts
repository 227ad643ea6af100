/**
 * `GET /api/v1/files/search?q=report&limit=50`: files and folders of the user's own tree whose name contains `q`
 * (case- and accent-insensitive), shallowest first. The walk is bounded (entries looked at, time, results) and yields
 * to other requests every few hundred entries, so a huge tree costs a bounded, interruptible amount of work; the
 * answer says when it stopped early (`complete: false`). Symlinks planted on disk are skipped, never followed.
 * Shares from others are not searched: they live on other servers (the page filters their listing instead).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import { InputError } from '#core';
import { isValidName } from '#dav';
import { FILES_ERRORS } from '../error-codes.ts';
import { userDir } from '../files-dav.ts';

/** One match. */
export interface SearchHit {
  path: string;
  name: string;
  isFolder: boolean;
  size: number | null;
  modified: number;
}

/** Bounds of one search. */
export interface SearchLimits {
  maxVisited: number;
  maxMs: number;
}

const DEFAULT_LIMITS: SearchLimits = { maxVisited: 100_000, maxMs: 3_000 };
const YIELD_EVERY = 500;

/** Lower case without accents, so "resume" finds "Résumé". */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('en');
}

/** Searches a user's tree by name. */
export async function searchTree(
  root: string,
  query: string,
  limit: number,
  limits: SearchLimits = DEFAULT_LIMITS,
): Promise<{ results: SearchHit[]; complete: boolean }> {
  const q = fold(query);
  const results: SearchHit[] = [];
  const started = Date.now();
  let visited = 0;
  let queue: string[] = ['/'];
  while (queue.length) {
    const next: string[] = [];
    for (const dir of queue) {
      let entries;
      try {
        entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue; // removed meanwhile
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (++visited % YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
        if (visited > limits.maxVisited || Date.now() - started > limits.maxMs) return { results, complete: false };
        if (!isValidName(e.name) || (!e.isDirectory() && !e.isFile())) continue; // symlinks and the like
        const p = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
        if (e.isDirectory()) next.push(p);
        if (!fold(e.name).includes(q)) continue;
        try {
          const st = await fs.lstat(path.join(root, p));
          results.push({
            path: p,
            name: e.name,
            isFolder: st.isDirectory(),
            size: st.isDirectory() ? null : st.size,
            modified: Math.round(st.mtimeMs),
          });
        } catch {
          continue;
        }
        if (results.length >= limit) return { results, complete: false };
      }
    }
    queue = next;
  }
  return { results, complete: true };
}

/** Registers the route on the plugin's API router. */
export function searchRoute(api: Router, filesDir: string): void {
  api.get('/search', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (!q || q.length > 200)
      throw new InputError(
        'q must be 1 to 200 characters',
        [{ name: 'q', message: 'INVALID' }],
        FILES_ERRORS.SEARCH_QUERY_INVALID,
      );
    const raw = Number(req.query.limit ?? 50);
    const limit = Number.isInteger(raw) && raw >= 1 ? Math.min(raw, 200) : 50;
    res.json({ q, ...(await searchTree(userDir(filesDir, req.user!.id), q, limit)) });
  });
}
