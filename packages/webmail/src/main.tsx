import { render } from 'preact';
import './styles.css';
import { App } from './views/app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
