// A newer release, offered: what it is, a link to its page, and — only where this build can install
// updates itself — a button to download it. Nothing downloads or installs without a click; "Later" hides it
// for this run.
import { useEffect, useState } from 'react';
import type { UpdateState } from '../../../shared/contract.ts';
import { getApi } from '../api.ts';
import { Icon } from './ui.tsx';

export function UpdateNotice() {
  const [state, setState] = useState<UpdateState | null>(null);
  useEffect(() => {
    const api = getApi();
    const off = api.on('update', setState);
    void api.app
      .update({ action: 'state' })
      .then(setState)
      .catch(() => undefined);
    return off;
  }, []);
  if (!state || !state.version || !['available', 'downloading', 'ready'].includes(state.status)) return null;
  const act = (action: 'download' | 'install' | 'dismiss') =>
    void getApi()
      .app.update({ action })
      .then(setState)
      .catch(() => undefined);
  return (
    <div className="banner banner-info" role="status" data-testid="update-notice">
      <Icon name="sparkle" />
      <div className="banner-text">
        <strong>
          Storyreel {state.version} is available <span className="muted">(you have {state.current})</span>
        </strong>
        <span>
          {state.status === 'downloading'
            ? `Downloading… ${Math.round(state.progress * 100)}%`
            : state.status === 'ready'
              ? 'Downloaded. It is installed when you restart Storyreel from here; your projects stay as they are.'
              : state.canInstall
                ? 'Nothing is downloaded until you choose to.'
                : 'This build does not update itself: get the new version from its release page.'}
          {state.error ? ` ${state.error}` : ''}
        </span>
      </div>
      <div className="banner-actions">
        {state.releaseUrl && (
          <a className="btn btn-sm" href={state.releaseUrl} target="_blank" rel="noreferrer noopener" data-testid="update-release-page">
            {state.canInstall ? 'What’s new' : 'Open the release page'}
          </a>
        )}
        {state.canInstall && state.status === 'available' && (
          <button type="button" className="btn btn-sm btn-primary" data-testid="update-download" onClick={() => act('download')}>
            Download
          </button>
        )}
        {state.status === 'ready' && (
          <button type="button" className="btn btn-sm btn-primary" data-testid="update-install" onClick={() => act('install')}>
            Restart and install
          </button>
        )}
        {state.status !== 'downloading' && (
          <button type="button" className="btn btn-sm btn-ghost" data-testid="update-later" onClick={() => act('dismiss')}>
            Later
          </button>
        )}
      </div>
    </div>
  );
}
