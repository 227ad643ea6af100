/** Bundles a server entry the way `npm start` does (scripts/server-bundle.mjs); returns `outfile`. */
export function bundleServer(entry: string, outfile: string, opts?: { sourcemap?: boolean }): string;
