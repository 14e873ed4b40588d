import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takePortalToken } from './auth/portal';
import './styles.css';

// A portal link carries its token in the hash: keep it in sessionStorage and take it out of the
// URL before anything renders, so it is in neither the history nor a screenshot.
takePortalToken();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
