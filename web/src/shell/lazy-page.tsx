import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A component whose code is fetched on first render (a dynamic `import()`, so it is its own chunk and not part of
 * the shell's start-up JavaScript). Written here rather than taken from preact/compat's `lazy` + `Suspense` to keep
 * compat out of the bundle and to show a plain-words error when the chunk cannot be fetched.
 */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
  opts: { quiet?: boolean } = {},
): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchOnce = () => {
    pending ??= load().then(
      (c) => (loaded = c),
      (err: unknown) => {
        pending = null; // a later visit tries again
        throw err;
      },
    );
    return pending;
  };
  return function LazyPage(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Component) return;
      let live = true;
      fetchOnce().then(
        (c) => live && setComponent(() => c),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [Component]);
    if (Component) return <Component {...props} />;
    if (opts.quiet && !failed) return null;
    if (failed)
      return (
        <p class="form-error" role="alert">
          {opts.quiet ? 'This part' : 'This page'} could not be loaded. Check your connection, then reload the page.
        </p>
      );
    return (
      <p class="page-loading" role="status">
        Loading…
      </p>
    );
  };
}

/** A component (a dialog, a picker) fetched on first render, in its own chunk; nothing is drawn while it loads. */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return lazyPage(load, { quiet: true });
}
