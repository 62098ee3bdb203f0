// Entry point of the Telegram Mini App.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { WebApp } from './telegram.ts';
import './styles.css';

// Tell Telegram the app is ready (it hides its loader) and take the full height.
WebApp.ready();
WebApp.expand();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
