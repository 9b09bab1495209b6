import { render } from 'preact';
import '../styles.css';
import './admin.css';
import { ConsoleApp } from './app.js';

const root = document.getElementById('app');
if (root) render(<ConsoleApp />, root);
