import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadApi } from './api.ts';
import { StartupError } from './components/StartupError.tsx';
import { connectStore } from './store.ts';
import { connectUndo } from './lib/undo.ts';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

async function start(): Promise<void> {
  let api;
  try {
    api = await loadApi();
  } catch (err) {
    root.render(<StartupError reason={err instanceof Error ? err.message : String(err)} />);
    return;
  }
  if (!api) {
    root.render(<StartupError reason="This page was opened outside the Storyreel app, so it has nothing to talk to." />);
    return;
  }
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  connectUndo(api);
  await connectStore(api);
}

void start();
