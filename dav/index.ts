/** The public API of the DAV toolkit: the only path plugins import (`#dav`). */
export * from './errors.ts';
export * from './error-response.ts';
export * from './xml.ts';
export * from './if-header.ts';
export * from './paths.ts';
export * from './lock-manager.ts';
