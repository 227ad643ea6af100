// The shell's styles first, so plugin stylesheets (imported through plugins.ts) can refine them.
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';
import { render } from 'preact';
import { App } from './shell/app.tsx';
import { webPlugins } from './plugins.ts';
import { loadRuntimePlugins } from './runtime-plugins.ts';

const root = document.getElementById('app');
if (root) {
  // Built-in parts show only when the server runs their plugin (GET /me lists them).
  const builtIn = new Set(webPlugins.map((p) => p.id));
  render(<App plugins={webPlugins} builtIn={builtIn} />, root);
  // Plugins enabled by configuration join the navigation after the built-in ones, once loaded.
  void loadRuntimePlugins().then((extra) => {
    if (extra.length > 0) render(<App plugins={[...webPlugins, ...extra]} builtIn={builtIn} />, root);
  });
}
