import { render } from 'preact';
import { App } from './shell/app.tsx';
import { webPlugins } from './plugins.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

const root = document.getElementById('app');
if (root) render(<App plugins={webPlugins} />, root);
